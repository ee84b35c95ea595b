import type { TextTable } from '@mlp/cli';
import type { RunComparison } from '../sdk/compare-runs.js';
import { formatMetricValue, oneLine } from './human-format.js';
import { type JsonMetricValue, jsonMetricValue } from './json-shapes.js';

/** One param or metric across the compared runs; `values[i]` belongs to the i-th run, null where that run lacks the key. */
interface LinedUpKey<T> {
  key: string;
  values: (T | null)[];
  /** Whether the runs disagree, a missing value counting as different. */
  differs: boolean;
}

function byKey(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The SDK's comparison (values by run id) as rows of values in the runs' order, for a table or JSON. */
function lineUp<T>(runIds: readonly string[], byRun: Record<string, Record<string, T>>): LinedUpKey<T>[] {
  return Object.keys(byRun)
    .sort(byKey)
    .map((key) => {
      const row = byRun[key] as Record<string, T>;
      const values = runIds.map((runId) => (Object.hasOwn(row, runId) ? (row[runId] as T) : null));
      // Object.is, so two NaN metrics count as equal.
      return { key, values, differs: values.some((value) => !Object.is(value, values[0])) };
    });
}

export interface ComparisonJson {
  runs: { run_id: string; run_name: string; experiment_id: string }[];
  params: { key: string; values: (string | null)[]; differs: boolean }[];
  metrics: { key: string; values: (JsonMetricValue | null)[]; differs: boolean }[];
}

export function comparisonJson(comparison: RunComparison): ComparisonJson {
  const runIds = comparison.runs.map((run) => run.runId);
  return {
    runs: comparison.runs.map((run) => ({ run_id: run.runId, run_name: run.name, experiment_id: run.experimentId })),
    params: lineUp(runIds, comparison.params),
    metrics: lineUp(runIds, comparison.metrics).map(({ key, values, differs }) => ({
      key,
      values: values.map((value) => (value === null ? null : jsonMetricValue(value))),
      differs,
    })),
  };
}

const cellWidth = 32;

/**
 * Rows are params then metrics, columns are runs (`name (id prefix)`). A param whose values differ
 * is marked with `*` in front, since that is what a comparison is usually looking for.
 */
export function comparisonTable(comparison: RunComparison): TextTable {
  const runIds = comparison.runs.map((run) => run.runId);
  const params = lineUp(runIds, comparison.params);
  const columns = ['', ...comparison.runs.map((run) => `${oneLine(run.name, 24)} (${run.runId.slice(0, 8)})`)];
  const rows = [
    ...params.map(({ key, values, differs }) => [
      `${differs ? '*' : ' '} params.${oneLine(key)}`,
      ...values.map((value) => (value === null ? '-' : oneLine(value, cellWidth))),
    ]),
    ...lineUp(runIds, comparison.metrics).map(({ key, values }) => [
      `  metrics.${oneLine(key)}`,
      ...values.map((value) => (value === null ? '-' : formatMetricValue(value))),
    ]),
  ];
  const anyDiffers = comparison.differingParams.length > 0;
  return { columns, rows, ...(anyDiffers ? { footer: '* the runs have different values for this param' } : {}) };
}
