import type { Experiment, Run } from '@mlp/tracking';

/** A run as the UI's tables read it: latest metric values only, times in epoch ms. */
export function runRow(run: Run) {
  const metrics: Record<string, number | string> = {};
  for (const [key, metric] of Object.entries(run.metrics))
    metrics[key] = Number.isFinite(metric.value) ? metric.value : String(metric.value);
  return {
    run_id: run.runId,
    name: run.name,
    experiment_id: run.experimentId,
    status: run.status,
    start_time: run.startTime,
    end_time: run.endTime,
    params: run.params,
    metrics,
    tags: run.tags,
  };
}

export function runDetail(run: Run) {
  return {
    ...runRow(run),
    user_id: run.userId,
    artifact_uri: run.artifactUri,
    parent_run_id: run.parentRunId,
    inputs: run.inputs.map((input) => ({ name: input.name, digest: input.digest, source: input.source, context: input.context ?? null })),
  };
}

export function experimentRow(experiment: Experiment) {
  return {
    experiment_id: experiment.experimentId,
    name: experiment.name,
    creation_time: experiment.creationTime,
    last_update_time: experiment.lastUpdateTime,
    tags: experiment.tags,
  };
}
