import type { Experiment, Run } from '@mlp/tracking';
import { datasetInputJson, metricJson } from '@mlp/tracking/mlflow';

export { datasetContextTag, doubleJson, metricJson } from '@mlp/tracking/mlflow';

/**
 * mlp's model in MLflow's JSON (protobuf's JSON mapping with proto field names, int64 as numbers,
 * as MLflow's `message_to_json` writes it). Unset optional fields are left out; empty lists are
 * written as [] so clients need not guess.
 */

const pairs = (record: Record<string, string>) => Object.entries(record).map(([key, value]) => ({ key, value }));

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

export function runJson(run: Run) {
  return {
    info: runInfoJson(run),
    data: {
      metrics: Object.values(run.metrics).map(metricJson),
      params: pairs(run.params),
      tags: pairs(run.tags),
    },
    inputs: { dataset_inputs: run.inputs.map(datasetInputJson) },
    // MLflow 3's RunOutputs: the logged models the run produced.
    outputs: { model_outputs: (run.outputs ?? []).map((output) => ({ model_id: output.modelId, step: output.step })) },
  };
}
