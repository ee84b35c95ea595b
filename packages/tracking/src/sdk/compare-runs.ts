import type { Run } from '../model.js';

/** Runs side by side: per key (sorted), each run's value by run id; a run without the key is absent. */
export interface RunComparison {
  runs: Array<{ runId: string; name: string; experimentId: string }>;
  params: Record<string, Record<string, string>>;
  /** The latest value of each metric. */
  metrics: Record<string, Record<string, number>>;
  /** Param keys whose values are not the same in every run (a run lacking the key counts as different). Sorted. */
  differingParams: string[];
}

function sortedKeys(runs: Run[], pick: (run: Run) => Record<string, unknown>): string[] {
  const keys = new Set<string>();
  for (const run of runs) for (const key of Object.keys(pick(run))) keys.add(key);
  return [...keys].sort();
}

/** Puts the params and latest metrics of `runs` side by side, in the runs' order. */
export function compareRuns(runs: Run[]): RunComparison {
  const params: RunComparison['params'] = {};
  const differingParams: string[] = [];
  for (const key of sortedKeys(runs, (run) => run.params)) {
    const row: Record<string, string> = {};
    const values = new Set<string | undefined>();
    for (const run of runs) {
      const value = run.params[key];
      values.add(value);
      if (value !== undefined) row[run.runId] = value;
    }
    params[key] = row;
    if (values.size > 1) differingParams.push(key);
  }
  const metrics: RunComparison['metrics'] = {};
  for (const key of sortedKeys(runs, (run) => run.metrics)) {
    const row: Record<string, number> = {};
    for (const run of runs) {
      const metric = run.metrics[key];
      if (metric !== undefined) row[run.runId] = metric.value;
    }
    metrics[key] = row;
  }
  return {
    runs: runs.map((run) => ({ runId: run.runId, name: run.name, experimentId: run.experimentId })),
    params,
    metrics,
    differingParams,
  };
}
