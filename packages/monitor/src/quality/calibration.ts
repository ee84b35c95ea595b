import { MlpError } from '@mlp/core';

/** A fitted map from a model's score to the probability of the positive class. */
export type CalibrationJson =
  | { method: 'isotonic'; x: number[]; y: number[] }
  | { method: 'histogram'; edges: number[]; values: number[] }
  | { method: 'none' };

/**
 * Isotonic regression of the labels on the scores by pool-adjacent-violators, as scikit-learn's
 * `IsotonicRegression(out_of_bounds='clip')` fits it: each block of pooled scores keeps its first and
 * last score at the block's mean label; between them the map is linear, beyond them clipped.
 */
function fitIsotonic(scores: readonly number[], positive: readonly boolean[]): CalibrationJson {
  const order = Array.from(scores.keys()).sort((a, b) => (scores[a] as number) - (scores[b] as number));
  // Equal scores first pooled into one point (weight = how many), as scikit-learn does.
  const xs: number[] = [];
  const sums: number[] = [];
  const weights: number[] = [];
  for (const i of order) {
    const x = scores[i] as number;
    const y = positive[i] ? 1 : 0;
    if (xs.length > 0 && xs[xs.length - 1] === x) {
      sums[sums.length - 1] = (sums[sums.length - 1] as number) + y;
      weights[weights.length - 1] = (weights[weights.length - 1] as number) + 1;
    } else {
      xs.push(x);
      sums.push(y);
      weights.push(1);
    }
  }
  const blocks: { lo: number; hi: number; sum: number; weight: number }[] = [];
  for (let i = 0; i < xs.length; i += 1) {
    blocks.push({ lo: xs[i] as number, hi: xs[i] as number, sum: sums[i] as number, weight: weights[i] as number });
    while (blocks.length > 1) {
      const last = blocks[blocks.length - 1] as (typeof blocks)[number];
      const before = blocks[blocks.length - 2] as (typeof blocks)[number];
      if (before.sum / before.weight <= last.sum / last.weight) break;
      blocks.pop();
      before.hi = last.hi;
      before.sum += last.sum;
      before.weight += last.weight;
    }
  }
  const x: number[] = [];
  const y: number[] = [];
  for (const block of blocks) {
    const value = block.sum / block.weight;
    x.push(block.lo);
    y.push(value);
    if (block.hi !== block.lo) {
      x.push(block.hi);
      y.push(value);
    }
  }
  return { method: 'isotonic', x, y };
}

/** Equal-count bins of the scores, each mapped to its share of positives. */
function fitHistogram(scores: readonly number[], positive: readonly boolean[], bins: number): CalibrationJson {
  const sorted = Float64Array.from(scores).sort();
  const edges: number[] = [];
  for (let b = 1; b < bins; b += 1) {
    const edge = sorted[Math.floor((b * sorted.length) / bins)] as number;
    if (edges.length === 0 || edge > (edges[edges.length - 1] as number)) edges.push(edge);
  }
  const sums = new Float64Array(edges.length + 1);
  const counts = new Float64Array(edges.length + 1);
  for (let i = 0; i < scores.length; i += 1) {
    const bin = histogramBin(edges, scores[i] as number);
    sums[bin] = (sums[bin] as number) + (positive[i] ? 1 : 0);
    counts[bin] = (counts[bin] as number) + 1;
  }
  return { method: 'histogram', edges, values: Array.from(sums, (sum, i) => sum / (counts[i] as number)) };
}

/** The bin of a score: bin i holds scores below edges[i] (and at or above edges[i−1]). */
function histogramBin(edges: readonly number[], score: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (score < (edges[mid] as number)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Fits a calibration of `scores` against `positive` (whether each row's label is the positive class). */
export function fitCalibration(
  scores: readonly number[],
  positive: readonly boolean[],
  options: { method?: 'isotonic' | 'histogram' | 'none'; bins?: number } = {},
): CalibrationJson {
  const method = options.method ?? 'isotonic';
  if (method === 'none') return { method };
  if (scores.length === 0) throw new MlpError('FAILED_PRECONDITION', 'Calibration needs labelled reference scores: give at least one.');
  return method === 'isotonic' ? fitIsotonic(scores, positive) : fitHistogram(scores, positive, Math.max(1, options.bins ?? 10));
}

/** The calibrated probability of the positive class for a score. */
export function calibrate(calibration: CalibrationJson, score: number): number {
  if (calibration.method === 'none') return Math.min(1, Math.max(0, score));
  if (calibration.method === 'histogram') return calibration.values[histogramBin(calibration.edges, score)] as number;
  const { x, y } = calibration;
  if (score <= (x[0] as number)) return y[0] as number;
  if (score >= (x[x.length - 1] as number)) return y[y.length - 1] as number;
  let lo = 0;
  let hi = x.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if ((x[mid] as number) <= score) lo = mid;
    else hi = mid;
  }
  const x0 = x[lo] as number;
  const x1 = x[hi] as number;
  const y0 = y[lo] as number;
  return x1 === x0 ? y0 : y0 + ((score - x0) / (x1 - x0)) * ((y[hi] as number) - y0);
}
