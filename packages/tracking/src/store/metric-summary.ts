import { MlpError } from '@mlp/core';
import type { Metric } from '../model.js';
import { floorDiv, summaryGrid } from './metric-summary-grid.js';

/** One metric of one run, as `summarizeMetricHistories` takes them. */
export interface MetricSeriesRef {
  runId: string;
  key: string;
}

export interface MetricSummaryOptions {
  /**
   * About the chart's width in pixels (1 to 10,000): the step range is cut into at most this many equal
   * buckets of a round width, aligned on absolute steps (see `summaryGrid`), so at least 4/5 as many.
   */
  buckets: number;
  signal?: AbortSignal;
}

/** A metric history reduced for drawing: in step, then time order. */
export interface MetricSummary extends MetricSeriesRef {
  /** How many points the whole history has (0 when the run never logged the key). */
  totalPoints: number;
  /** Every point when there are at most 4 × buckets, else per bucket its first, last, smallest and largest finite point and its first non-finite one. */
  points: Metric[];
}

export const maxSummaryBuckets = 10_000;
export const maxSummarySeries = 10_000;

/** Up to this many points a history is returned whole. */
export const wholeHistoryLimit = (buckets: number) => buckets * 4;

export function assertSummaryInput(series: readonly MetricSeriesRef[], options: MetricSummaryOptions): void {
  if (!Number.isSafeInteger(options.buckets) || options.buckets < 1 || options.buckets > maxSummaryBuckets)
    throw new MlpError(
      'INVALID_ARGUMENT',
      `buckets must be an integer from 1 to ${maxSummaryBuckets} (about the chart's width in pixels), not ${options.buckets}.`,
    );
  if (series.length > maxSummarySeries)
    throw new MlpError(
      'INVALID_ARGUMENT',
      `Ask for at most ${maxSummarySeries} metric histories at once, not ${series.length}; split the request.`,
    );
}

/** Total order on points as PostgreSQL orders float8: NaN above +Infinity. */
export function compareValues(a: number, b: number): number {
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : 1;
  if (Number.isNaN(b)) return -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Points in step, then time, then value order: PostgreSQL's order of `array[step, timestamp, value]`. */
export const byPosition = (a: Metric, b: Metric) => a.step - b.step || a.timestamp - b.timestamp || compareValues(a.value, b.value);
/** Points in value, then step, then time order: PostgreSQL's order of `array[value, step, timestamp]`. */
export const byValue = (a: Metric, b: Metric) => compareValues(a.value, b.value) || a.step - b.step || a.timestamp - b.timestamp;

/** Orders points by step, then time, dropping exact repeats (a point chosen for two reasons is sent once). */
export function orderSummaryPoints(points: Metric[]): Metric[] {
  points.sort(byPosition);
  return points.filter((point, i) => i === 0 || byPosition(point, points[i - 1] as Metric) !== 0);
}

/**
 * The reference reduction, in memory, for stores that can only read whole histories (the MLflow REST
 * client). The SQL store computes the same in the database; the contract suite holds both to it.
 */
export function summarizePoints(all: readonly Metric[], buckets: number): { totalPoints: number; points: Metric[] } {
  if (all.length <= wholeHistoryLimit(buckets)) return { totalPoints: all.length, points: orderSummaryPoints([...all]) };
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const point of all) {
    if (point.step < lo) lo = point.step;
    if (point.step > hi) hi = point.step;
  }
  const { width } = summaryGrid(lo, hi, buckets);
  type Pick = { first?: Metric; last?: Metric; min?: Metric; max?: Metric; nonFinite?: Metric };
  const picks = new Map<number, Pick>();
  for (const point of all) {
    const bucket = floorDiv(point.step, width);
    let pick = picks.get(bucket);
    if (!pick) {
      pick = {};
      picks.set(bucket, pick);
    }
    if (!pick.first || byPosition(point, pick.first) < 0) pick.first = point;
    if (!pick.last || byPosition(point, pick.last) > 0) pick.last = point;
    if (Number.isFinite(point.value)) {
      if (!pick.min || byValue(point, pick.min) < 0) pick.min = point;
      if (!pick.max || byValue(point, pick.max) > 0) pick.max = point;
    } else if (!pick.nonFinite || byPosition(point, pick.nonFinite) < 0) pick.nonFinite = point;
  }
  const points: Metric[] = [];
  for (const pick of picks.values())
    for (const point of [pick.first, pick.last, pick.min, pick.max, pick.nonFinite]) if (point) points.push(point);
  return { totalPoints: all.length, points: orderSummaryPoints(points) };
}
