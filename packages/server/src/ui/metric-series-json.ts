import { invalidParameter } from '@mlp/core/http';
import type { Metric, TrackingStore } from '@mlp/tracking';

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
) {
  const buckets = width ?? 1000;
  if (!Number.isSafeInteger(buckets) || buckets < minChartBuckets || buckets > maxChartBuckets)
    throw invalidParameter(`width must be an integer from ${minChartBuckets} to ${maxChartBuckets} (the chart's width in pixels).`);
  if (series.length > maxBatchSeries)
    throw invalidParameter(`Ask for at most ${maxBatchSeries} histories (runs × keys) at once, not ${series.length}.`);
  const summaries = await tracking.summarizeMetricHistories(series, { buckets, ...(signal ? { signal } : {}) });
  return summaries.map((summary) => ({
    run_id: summary.runId,
    key: summary.key,
    x_axis: x,
    total_points: summary.totalPoints,
    ...seriesJson(summary.points, x),
  }));
}
