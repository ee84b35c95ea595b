import { type AnalysisCondition, compare, type Measure } from './analysis-condition.js';
import { labelsMatch, type MetricSample } from './metric-samples.js';

/** Metric names the model server exposes (fixed, see the deploy README). */
export const requestsMetric = 'mlp_model_requests_total';
export const durationMetric = 'mlp_model_request_duration_seconds';

/** Two scrapes of the same servers and the seconds between them. */
export interface MetricWindow {
  before: readonly MetricSample[];
  after: readonly MetricSample[];
  seconds: number;
}

export interface ConditionResult {
  condition: string;
  /** undefined when the interval had no data for it (no requests). */
  value: number | undefined;
  passed: boolean;
}

export interface AnalysisResult {
  /** `pass`: every condition held; `fail`: one did not; `inconclusive`: no data to judge (no requests reached it). */
  outcome: 'pass' | 'fail' | 'inconclusive';
  results: ConditionResult[];
  /** Why it failed or could not judge, in words for the history. */
  reason: string | null;
}

function seriesKey(sample: MetricSample): string {
  return `${sample.name}{${Object.entries(sample.labels)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join(',')}}`;
}

/**
 * The increase of every series over the window. A series lower after than before restarted (a server
 * replaced): its whole value after counts, as Prometheus' `increase` does.
 */
export function seriesIncrease(window: MetricWindow, name: string, want: Record<string, string> = {}): MetricSample[] {
  const before = new Map<string, number>();
  for (const sample of window.before) if (sample.name === name) before.set(seriesKey(sample), sample.value);
  const out: MetricSample[] = [];
  for (const sample of window.after) {
    if (sample.name !== name || !labelsMatch(sample.labels, want)) continue;
    const start = before.get(seriesKey(sample)) ?? 0;
    out.push({ ...sample, value: sample.value >= start ? sample.value - start : sample.value });
  }
  return out;
}

const sum = (samples: readonly MetricSample[]) => samples.reduce((total, sample) => total + sample.value, 0);

/** The quantile of the observations in the window, from histogram bucket increases (linear within a bucket). */
export function histogramQuantile(window: MetricWindow, histogram: string, quantile: number): number | undefined {
  const byBound = new Map<number, number>();
  for (const sample of seriesIncrease(window, `${histogram}_bucket`)) {
    const bound = sample.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(sample.labels.le);
    if (Number.isNaN(bound)) continue;
    byBound.set(bound, (byBound.get(bound) ?? 0) + sample.value);
  }
  const buckets = [...byBound.entries()].sort(([a], [b]) => a - b);
  const total = buckets.at(-1)?.[1] ?? 0;
  if (total <= 0) return undefined;
  const rank = quantile * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const [bound, count] of buckets) {
    if (count >= rank) {
      if (bound === Number.POSITIVE_INFINITY) return lowerBound; // above the largest finite bucket: its bound, as Prometheus does
      const inBucket = count - lowerCount;
      return inBucket <= 0 ? bound : lowerBound + (bound - lowerBound) * ((rank - lowerCount) / inBucket);
    }
    lowerBound = bound;
    lowerCount = count;
  }
  return lowerBound;
}

/** The value of one measure over the window; undefined when there was nothing to measure. */
export function measureWindow(measure: Measure, window: MetricWindow): number | undefined {
  switch (measure.kind) {
    case 'requests':
      return sum(seriesIncrease(window, requestsMetric));
    case 'error_rate':
    case 'failure_rate': {
      const all = seriesIncrease(window, requestsMetric);
      const total = sum(all);
      if (total <= 0) return undefined;
      const from = measure.kind === 'error_rate' ? 500 : 400;
      return sum(all.filter((sample) => Number(sample.labels.status) >= from)) / total;
    }
    case 'latency': {
      const seconds = histogramQuantile(window, durationMetric, measure.quantile);
      return seconds === undefined ? undefined : seconds * 1000;
    }
    case 'custom': {
      if (measure.fn === 'value') {
        const matching = window.after.filter((sample) => sample.name === measure.metric && labelsMatch(sample.labels, measure.labels));
        return matching.length === 0 ? undefined : sum(matching);
      }
      const increase = sum(seriesIncrease(window, measure.metric, measure.labels));
      return measure.fn === 'rate' ? increase / Math.max(window.seconds, 1e-3) : increase;
    }
  }
}

/** Judges conditions on measured values: any failure fails; otherwise missing data is inconclusive. */
export function judgeConditions(
  conditions: readonly AnalysisCondition[],
  measure: (condition: AnalysisCondition) => number | undefined,
): AnalysisResult {
  const results = conditions.map((condition) => {
    const value = measure(condition);
    return { condition: condition.text, value, passed: value !== undefined && compare(value, condition.op, condition.threshold) };
  });
  const failed = results.filter((result) => result.value !== undefined && !result.passed);
  if (failed.length > 0)
    return {
      outcome: 'fail',
      results,
      reason: `analysis failed: ${failed.map((result) => `${result.condition} (measured ${round(result.value as number)})`).join(', ')}`,
    };
  const missing = results.filter((result) => result.value === undefined);
  if (missing.length > 0)
    return {
      outcome: 'inconclusive',
      results,
      reason: `no data for ${missing.map((result) => result.condition).join(', ')} (no requests reached the revision in the interval)`,
    };
  return { outcome: 'pass', results, reason: null };
}

function round(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toPrecision(4);
}

/** Evaluates conditions over two scrapes of a revision's servers. */
export function analyzeWindow(conditions: readonly AnalysisCondition[], window: MetricWindow): AnalysisResult {
  return judgeConditions(conditions, (condition) => measureWindow(condition.measure, window));
}
