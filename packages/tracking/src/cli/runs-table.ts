import type { TextTable } from '@mlp/cli';
import type { Run } from '../model.js';
import { formatMetricValue, formatTimestamp, oneLine, runDuration } from './human-format.js';

/** How many metric columns `mlp runs ls` shows: enough to compare, few enough to fit a terminal. */
export const maxMetricColumns = 4;

/**
 * The metric keys worth a column: those the user ordered by first (they asked about them), then
 * those most runs have, then by name so the choice is stable.
 */
export function chooseMetricColumns(runs: readonly Run[], preferred: readonly string[] = [], max = maxMetricColumns): string[] {
  const counts = new Map<string, number>();
  for (const run of runs) for (const key of Object.keys(run.metrics)) counts.set(key, (counts.get(key) ?? 0) + 1);
  const chosen = [...new Set(preferred)].filter((key) => counts.has(key));
  const rest = [...counts.keys()]
    .filter((key) => !chosen.includes(key))
    .sort((a, b) => (counts.get(b) ?? 0) - (counts.get(a) ?? 0) || (a < b ? -1 : a > b ? 1 : 0));
  return [...chosen, ...rest].slice(0, max);
}

export interface RunsTableOptions {
  /** Metric keys to show first, such as those in `--order-by`. */
  preferredMetrics?: readonly string[];
  /** The time a RUNNING run's duration is measured to. */
  now: number;
  /** Set when more runs matched than were listed. */
  truncatedAt?: number;
}

/** `mlp runs ls`: run id, name, status, start, duration, then up to four latest metrics (`-` where a run lacks one). */
export function runsTable(runs: readonly Run[], options: RunsTableOptions): TextTable {
  const metrics = chooseMetricColumns(runs, options.preferredMetrics);
  const rows = runs.map((run) => [
    run.runId,
    oneLine(run.name, 40),
    run.status,
    formatTimestamp(run.startTime),
    runDuration(run, options.now),
    ...metrics.map((key) => {
      const metric = run.metrics[key];
      return metric ? formatMetricValue(metric.value) : '-';
    }),
  ]);
  const table: TextTable = { columns: ['run id', 'name', 'status', 'start', 'duration', ...metrics.map((key) => oneLine(key, 30))], rows };
  if (options.truncatedAt !== undefined) {
    return { ...table, footer: `Showing the first ${options.truncatedAt} runs; more match. Raise --limit to see them.` };
  }
  return table;
}
