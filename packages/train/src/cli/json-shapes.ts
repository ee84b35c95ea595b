import type { TrainResult } from '../train-options.js';

// The `--json` shapes of `mlp train`: snake_case keys, absent values as null (docs/cli-json.md).
// Params and metrics are keyed by the user's own names, printed as given.

export function trainJson(result: TrainResult) {
  return {
    parent_run_id: result.parentRunId ?? null,
    best_run_id: result.bestRunId,
    best_metrics: result.bestMetrics,
    package: result.packageDir ?? null,
    trials: result.trials.map((trial) => ({
      run_id: trial.runId,
      index: trial.index,
      params: trial.params,
      metrics: trial.metrics,
      status: trial.status,
      error: trial.error ?? null,
    })),
  };
}
