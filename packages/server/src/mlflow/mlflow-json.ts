import type { DatasetInput, Experiment, Metric, Run } from '@mlp/tracking';

/**
 * mlp's model in MLflow's JSON (protobuf's JSON mapping with proto field names, int64 as numbers,
 * as MLflow's `message_to_json` writes it). Unset optional fields are left out; empty lists are
 * written as [] so clients need not guess.
 */

/** NaN and ±Infinity are not JSON numbers: protobuf's JSON mapping spells them as strings. */
export function doubleJson(value: number): number | string {
  if (Number.isFinite(value)) return value;
  if (Number.isNaN(value)) return 'NaN';
  return value > 0 ? 'Infinity' : '-Infinity';
}

const pairs = (record: Record<string, string>) => Object.entries(record).map(([key, value]) => ({ key, value }));

export function metricJson(metric: Metric) {
  return { key: metric.key, value: doubleJson(metric.value), timestamp: metric.timestamp, step: metric.step };
}

export function experimentJson(experiment: Experiment) {
  return {
    experiment_id: experiment.experimentId,
    name: experiment.name,
    artifact_location: experiment.artifactLocation,
    lifecycle_stage: experiment.lifecycleStage,
    last_update_time: experiment.lastUpdateTime,
    creation_time: experiment.creationTime,
    tags: pairs(experiment.tags),
  };
}

export function runInfoJson(run: Run) {
  return {
    run_id: run.runId,
    run_uuid: run.runId,
    run_name: run.name,
    experiment_id: run.experimentId,
    user_id: run.userId,
    status: run.status,
    start_time: run.startTime,
    ...(run.endTime === null ? {} : { end_time: run.endTime }),
    artifact_uri: run.artifactUri,
    lifecycle_stage: run.lifecycleStage,
  };
}

/** MLflow keeps a dataset's context as the input tag `mlflow.data.context`. */
export const datasetContextTag = 'mlflow.data.context';

function datasetInputJson(input: DatasetInput) {
  return {
    tags: input.context === undefined ? [] : [{ key: datasetContextTag, value: input.context }],
    dataset: {
      name: input.name,
      digest: input.digest,
      source_type: input.sourceType,
      source: input.source,
      ...(input.schema === undefined ? {} : { schema: input.schema }),
      ...(input.profile === undefined ? {} : { profile: input.profile }),
    },
  };
}

export function runJson(run: Run) {
  return {
    info: runInfoJson(run),
    data: {
      metrics: Object.values(run.metrics).map(metricJson),
      params: pairs(run.params),
      tags: pairs(run.tags),
    },
    inputs: { dataset_inputs: run.inputs.map(datasetInputJson) },
  };
}
