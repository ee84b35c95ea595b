import type { Experiment, Run } from '../model.js';

/** A metric value in JSON, which has no NaN or Infinity: those become the strings "NaN", "Infinity", "-Infinity". */
export type JsonMetricValue = number | 'NaN' | 'Infinity' | '-Infinity';

/** The `--json` shape of a run, in MLflow's snake_case; metrics hold the latest value per key. */
export interface RunJson {
  run_id: string;
  run_name: string;
  experiment_id: string;
  status: string;
  start_time: number;
  end_time: number | null;
  params: Record<string, string>;
  metrics: Record<string, JsonMetricValue>;
  tags: Record<string, string>;
}

/** The `--json` shape of an experiment, in MLflow's snake_case. */
export interface ExperimentJson {
  experiment_id: string;
  name: string;
  lifecycle_stage: string;
  artifact_location: string;
  creation_time: number;
  last_update_time: number;
  tags: Record<string, string>;
}

export function jsonMetricValue(value: number): JsonMetricValue {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return 'Infinity';
  if (value === Number.NEGATIVE_INFINITY) return '-Infinity';
  return value;
}

export function toRunJson(run: Run): RunJson {
  return {
    run_id: run.runId,
    run_name: run.name,
    experiment_id: run.experimentId,
    status: run.status,
    start_time: run.startTime,
    end_time: run.endTime,
    params: { ...run.params },
    metrics: Object.fromEntries(Object.entries(run.metrics).map(([key, metric]) => [key, jsonMetricValue(metric.value)])),
    tags: { ...run.tags },
  };
}

export function toExperimentJson(experiment: Experiment): ExperimentJson {
  return {
    experiment_id: experiment.experimentId,
    name: experiment.name,
    lifecycle_stage: experiment.lifecycleStage,
    artifact_location: experiment.artifactLocation,
    creation_time: experiment.creationTime,
    last_update_time: experiment.lastUpdateTime,
    tags: { ...experiment.tags },
  };
}
