import { invalidParameter } from '@mlp/core/http';
import type { Metric, MetricSummary, TrackingStore } from '@mlp/tracking';

/** Bucket counts the UI may ask for: about a chart's width in pixels. */
export const minChartBuckets = 10;
export const maxChartBuckets = 4000;
/** The most (run, metric) histories one batch request reads. */
export const maxBatchSeries = 5000;

/** NaN and ±Infinity as text: JSON has no such numbers. */
const jsonValue = (value: number) => (Number.isFinite(value) ? value : String(value));

/** A reduced history as the charts read it: parallel x and y arrays, x ascending (step, or time). */
function seriesJson(points: Metric[], x: 'step' | 'time') {
  const ordered = x === 'time' ? [...points].sort((a, b) => a.timestamp - b.timestamp || a.step - b.step) : points;
  return {
    x: ordered.map((p) => (x === 'time' ? p.timestamp : p.step)),
    y: ordered.map((p) => jsonValue(p.value)),
  };
}

export const maxMinBucketSteps = 1 << 30;

/**
 * Histories reduced so that no bucket covers fewer than `minSteps` steps. Each history's step range is
 * read first (one bucket a history: merged from the rollup, no point read), then each history is asked
 * for as many buckets as `minSteps`-step buckets cover its range, when that is fewer than `buckets`.
 * Why: a bucket of whole rollup blocks (64 steps for a dense series) is merged from blocks, a smaller
 * one reads every point, and a chart of many overlaid lines needs no more than a few dozen points a line.
 */
async function summarizeCoarse(
  tracking: TrackingStore,
  series: { runId: string; key: string }[],
  buckets: number,
  minSteps: number,
  signal: AbortSignal | undefined,
): Promise<MetricSummary[]> {
  const abort = signal ? { signal } : {};
  const ranges = await tracking.summarizeMetricHistories(series, { buckets: 1, ...abort });
  const bucketsOf = ranges.map((range) => {
    // A history short enough to be sent whole at the buckets asked is cheap to read: every point is drawn.
    if (range.points.length === 0 || range.totalPoints <= 4 * buckets) return buckets;
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (const p of range.points) {
      lo = Math.min(lo, p.step);
      hi = Math.max(hi, p.step);
    }
    return Math.max(1, Math.min(buckets, Math.floor(hi / minSteps) - Math.floor(lo / minSteps) + 1));
  });
  // One store call per bucket count (histories of one length share one).
  const groups = new Map<number, number[]>();
  bucketsOf.forEach((n, i) => {
    const group = groups.get(n);
    if (group) group.push(i);
    else groups.set(n, [i]);
  });
  const out: MetricSummary[] = new Array(series.length);
  await Promise.all(
    [...groups].map(async ([n, indexes]) => {
      const answers = await tracking.summarizeMetricHistories(
        indexes.map((i) => series[i]!),
        { buckets: n, ...abort },
      );
      answers.forEach((answer, j) => {
        out[indexes[j]!] = answer;
      });
    }),
  );
  return out;
}

/**
 * Histories reduced by the tracking store to `width` buckets each (in the database for the SQL store).
 * Buckets are cut over steps, where the history index serves them; with `x: 'time'` the kept points are
 * ordered by time, so a bucket may span more than one pixel when steps and times do not advance together.
 */
export async function chartSeries(
  tracking: TrackingStore,
  series: { runId: string; key: string }[],
  width: number | undefined,
  x: 'step' | 'time' = 'step',
  signal?: AbortSignal,
  minBucketSteps?: number,
) {
  const buckets = width ?? 1000;
  if (!Number.isSafeInteger(buckets) || buckets < minChartBuckets || buckets > maxChartBuckets)
    throw invalidParameter(`width must be an integer from ${minChartBuckets} to ${maxChartBuckets} (the chart's width in pixels).`);
  if (series.length > maxBatchSeries)
    throw invalidParameter(`Ask for at most ${maxBatchSeries} histories (runs × keys) at once, not ${series.length}.`);
  if (minBucketSteps !== undefined && (!Number.isSafeInteger(minBucketSteps) || minBucketSteps < 1 || minBucketSteps > maxMinBucketSteps))
    throw invalidParameter(`min_bucket_steps must be an integer from 1 to ${maxMinBucketSteps} (steps a bucket covers at least).`);
  const summaries =
    minBucketSteps && minBucketSteps > 1
      ? await summarizeCoarse(tracking, series, buckets, minBucketSteps, signal)
      : await tracking.summarizeMetricHistories(series, { buckets, ...(signal ? { signal } : {}) });
  return summaries.map((summary) => ({
    run_id: summary.runId,
    key: summary.key,
    x_axis: x,
    total_points: summary.totalPoints,
    ...seriesJson(summary.points, x),
  }));
}
