import type { Table } from '@mlp/cli';
import type { Run } from '../model.js';
import { formatMetricValue, oneLine } from './human-format.js';
import { type JsonMetricValue, jsonMetricValue } from './json-shapes.js';

/** One param or metric across the compared runs; `values[i]` belongs to `runs[i]`, null where that run lacks the key. */
export interface ComparedKey<T> {
  key: string;
  values: (T | null)[];
  /** Whether the runs disagree, a missing value counting as different. */
  differs: boolean;
}

export interface RunComparison {
  runs: Run[];
  params: ComparedKey<string>[];
  /** Latest values. */
  metrics: ComparedKey<number>[];
}

function byKey(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareKeys<T>(runs: readonly Run[], read: (run: Run) => Record<string, T>): ComparedKey<T>[] {
  const keys = [...new Set(runs.flatMap((run) => Object.keys(read(run))))].sort(byKey);
  return keys.map((key) => {
    const values = runs.map((run) => (Object.hasOwn(read(run), key) ? (read(run)[key] as T) : null));
    // Object.is, so two NaN metrics count as equal.
    return { key, values, differs: values.some((value) => !Object.is(value, values[0])) };
  });
}

/** Params and latest metrics of the runs side by side, keys sorted; runs stay in the order given. */
export function compareRuns(runs: readonly Run[]): RunComparison {
  return {
    runs: [...runs],
    params: compareKeys(runs, (run) => run.params),
    metrics: compareKeys(runs, (run) => Object.fromEntries(Object.entries(run.metrics).map(([key, metric]) => [key, metric.value]))),
  };
}

export interface ComparisonJson {
  runs: { run_id: string; run_name: string; experiment_id: string }[];
  params: { key: string; values: (string | null)[]; differs: boolean }[];
  metrics: { key: string; values: (JsonMetricValue | null)[]; differs: boolean }[];
}

export function comparisonJson(comparison: RunComparison): ComparisonJson {
  return {
    runs: comparison.runs.map((run) => ({ run_id: run.runId, run_name: run.name, experiment_id: run.experimentId })),
    params: comparison.params.map(({ key, values, differs }) => ({ key, values, differs })),
    metrics: comparison.metrics.map(({ key, values, differs }) => ({
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
export function comparisonTable(comparison: RunComparison): Table {
  const columns = ['', ...comparison.runs.map((run) => `${oneLine(run.name, 24)} (${run.runId.slice(0, 8)})`)];
  const rows = [
    ...comparison.params.map(({ key, values, differs }) => [
      `${differs ? '*' : ' '} params.${oneLine(key)}`,
      ...values.map((value) => (value === null ? '-' : oneLine(value, cellWidth))),
    ]),
    ...comparison.metrics.map(({ key, values }) => [
      `  metrics.${oneLine(key)}`,
      ...values.map((value) => (value === null ? '-' : formatMetricValue(value))),
    ]),
  ];
  const anyDiffers = comparison.params.some((param) => param.differs);
  return { columns, rows, ...(anyDiffers ? { footer: '* the runs have different values for this param' } : {}) };
}
