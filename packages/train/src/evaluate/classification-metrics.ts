import { MlpError } from '@mlp/core';

/**
 * Classification metrics from labels and predicted probabilities. A metric that is undefined for the
 * data (AUC when the labels hold one class only) is `null`, never NaN: NaN would poison a search's
 * comparisons and serialize to null in JSON anyway.
 */

export interface BinaryMetrics {
  accuracy: number;
  /** Area under the ROC curve; null when the labels hold only one class. */
  auc: number | null;
  /** At `threshold`; precision is 0 when nothing is predicted positive, recall 0 when nothing is positive. */
  f1: number;
  precision: number;
  recall: number;
  logLoss: number;
}

// Probabilities are clipped away from 0 and 1 so one confident mistake costs a large, finite loss.
const EPSILON = 1e-15;

function assertSameLength(labels: ArrayLike<number>, other: ArrayLike<number>, what: string, per = 1): void {
  if (labels.length === 0) throw new MlpError('INVALID_ARGUMENT', 'Cannot compute metrics over 0 rows: evaluate a split that has rows.');
  if (other.length !== labels.length * per) {
    throw new MlpError('INVALID_ARGUMENT', `${labels.length} labels need ${labels.length * per} ${what}, got ${other.length}.`);
  }
}

function safeDivide(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}

/**
 * AUC as the Mann–Whitney statistic: average ranks, ties sharing the mean of their ranks, which equals
 * the share of (positive, negative) pairs ranked correctly, ties counting half. O(n log n).
 */
export function rankAuc(positive: (row: number) => boolean, scores: ArrayLike<number>): number | null {
  const n = scores.length;
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => (scores[a] as number) - (scores[b] as number));
  let positives = 0;
  let rankSum = 0;
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && scores[order[end] as number] === scores[order[start] as number]) end++;
    const rank = (start + 1 + end) / 2; // ranks start..end-1 are 1-based start+1..end
    for (let i = start; i < end; i++) {
      if (positive(order[i] as number)) {
        positives++;
        rankSum += rank;
      }
    }
    start = end;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return null;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Binary metrics; a row is predicted positive when its probability is at least `threshold`. Labels are 0/1. */
export function binaryMetrics(labels: Float32Array, probabilities: Float32Array, threshold = 0.5): BinaryMetrics {
  assertSameLength(labels, probabilities, 'probabilities');
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  let loss = 0;
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i] === 1;
    const p = probabilities[i] as number;
    const predicted = p >= threshold;
    if (predicted && label) tp++;
    else if (predicted) fp++;
    else if (label) fn++;
    else tn++;
    const clipped = Math.min(Math.max(p, EPSILON), 1 - EPSILON);
    loss -= label ? Math.log(clipped) : Math.log(1 - clipped);
  }
  const precision = safeDivide(tp, tp + fp);
  const recall = safeDivide(tp, tp + fn);
  return {
    accuracy: (tp + tn) / labels.length,
    auc: rankAuc((row) => labels[row] === 1, probabilities),
    f1: safeDivide(2 * precision * recall, precision + recall),
    precision,
    recall,
    logLoss: loss / labels.length,
  };
}

/** Keeps at most `maxPoints` of a curve's points, evenly spaced, always the first and the last. */
function thin<T extends Record<string, number[]>>(curve: T, maxPoints: number): T {
  const first = Object.values(curve)[0] ?? [];
  if (first.length <= maxPoints) return curve;
  const keep = Math.max(2, maxPoints);
  const picks = Array.from({ length: keep }, (_, i) => Math.round((i * (first.length - 1)) / (keep - 1)));
  return Object.fromEntries(Object.entries(curve).map(([key, values]) => [key, picks.map((pick) => values[pick] as number)])) as T;
}

/**
 * Cumulative true and false positives at each distinct threshold, from the highest probability down.
 * The first point (nothing predicted positive) has the threshold max + 1, as scikit-learn once did;
 * unlike Infinity it survives JSON.
 */
function sweep(labels: Float32Array, probabilities: Float32Array): { tp: number[]; fp: number[]; thresholds: number[]; positives: number } {
  assertSameLength(labels, probabilities, 'probabilities');
  const order = Int32Array.from({ length: labels.length }, (_, i) => i).sort(
    (a, b) => (probabilities[b] as number) - (probabilities[a] as number),
  );
  const tp = [0];
  const fp = [0];
  const thresholds = [(probabilities[order[0] as number] as number) + 1];
  let truePositives = 0;
  let falsePositives = 0;
  for (let i = 0; i < order.length; i++) {
    const row = order[i] as number;
    if (labels[row] === 1) truePositives++;
    else falsePositives++;
    const next = order[i + 1];
    if (next === undefined || probabilities[next] !== probabilities[row]) {
      tp.push(truePositives);
      fp.push(falsePositives);
      thresholds.push(probabilities[row] as number);
    }
  }
  return { tp, fp, thresholds, positives: truePositives };
}

/**
 * The ROC curve, thresholds descending from (0, 0) to (1, 1), thinned to `maxPoints`. Empty arrays
 * when the labels hold one class only (a rate over no rows is undefined).
 */
export function rocCurve(
  labels: Float32Array,
  probabilities: Float32Array,
  maxPoints = 200,
): { fpr: number[]; tpr: number[]; thresholds: number[] } {
  const { tp, fp, thresholds, positives } = sweep(labels, probabilities);
  const negatives = labels.length - positives;
  if (positives === 0 || negatives === 0) return { fpr: [], tpr: [], thresholds: [] };
  return thin({ fpr: fp.map((count) => count / negatives), tpr: tp.map((count) => count / positives), thresholds }, maxPoints);
}

/**
 * The precision–recall curve, thresholds descending, starting at recall 0 with precision 1 (the
 * usual convention), thinned to `maxPoints`. Empty arrays when no label is positive.
 */
export function precisionRecallCurve(
  labels: Float32Array,
  probabilities: Float32Array,
  maxPoints = 200,
): { precision: number[]; recall: number[]; thresholds: number[] } {
  const { tp, fp, thresholds, positives } = sweep(labels, probabilities);
  if (positives === 0) return { precision: [], recall: [], thresholds: [] };
  const precision = tp.map((count, i) => (i === 0 ? 1 : count / (count + (fp[i] as number))));
  return thin({ precision, recall: tp.map((count) => count / positives), thresholds }, maxPoints);
}

/** Counts of (true class, predicted class): rows are the true class. */
export function confusionMatrix(labels: ArrayLike<number>, predicted: ArrayLike<number>, k: number): number[][] {
  assertSameLength(labels, predicted, 'predictions');
  const matrix = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < labels.length; i++) {
    const actual = labels[i] as number;
    const guess = predicted[i] as number;
    const row = matrix[actual];
    if (!row || !Number.isInteger(guess) || guess < 0 || guess >= k) {
      throw new MlpError('INVALID_ARGUMENT', `Row ${i}: class ${row ? guess : actual} is not one of the ${k} classes (0–${k - 1}).`);
    }
    row[guess] = (row[guess] as number) + 1;
  }
  return matrix;
}

export interface MulticlassMetrics {
  accuracy: number;
  /** Macro F1 over the classes present in the labels or the predictions (as scikit-learn). */
  f1: number;
  /** Macro one-vs-rest AUC over the classes that are present and absent somewhere; null when none is. */
  auc: number | null;
  logLoss: number;
}

/** Multi-class metrics from class indices and row-major `rows × k` probabilities; the prediction is the arg-max. */
export function multiclassMetrics(labels: Float32Array, probabilities: Float32Array, k: number): MulticlassMetrics {
  assertSameLength(labels, probabilities, 'probabilities', k);
  const n = labels.length;
  const predicted = new Int32Array(n);
  let loss = 0;
  for (let row = 0; row < n; row++) {
    let best = 0;
    for (let c = 1; c < k; c++) if ((probabilities[row * k + c] as number) > (probabilities[row * k + best] as number)) best = c;
    predicted[row] = best;
    const p = probabilities[row * k + (labels[row] as number)] as number;
    loss -= Math.log(Math.min(Math.max(p, EPSILON), 1 - EPSILON));
  }
  const matrix = confusionMatrix(labels, predicted, k);
  let correct = 0;
  let f1Sum = 0;
  let f1Classes = 0;
  let aucSum = 0;
  let aucClasses = 0;
  const column = new Float64Array(n);
  for (let c = 0; c < k; c++) {
    const tp = (matrix[c] as number[])[c] as number;
    const actual = (matrix[c] as number[]).reduce((sum, count) => sum + count, 0);
    const guessed = matrix.reduce((sum, row) => sum + (row[c] as number), 0);
    correct += tp;
    if (actual + guessed > 0) {
      f1Sum += (2 * tp) / (actual + guessed);
      f1Classes++;
    }
    for (let row = 0; row < n; row++) column[row] = probabilities[row * k + c] as number;
    const auc = rankAuc((row) => labels[row] === c, column);
    if (auc !== null) {
      aucSum += auc;
      aucClasses++;
    }
  }
  return { accuracy: correct / n, f1: f1Sum / f1Classes, auc: aucClasses === 0 ? null : aucSum / aucClasses, logLoss: loss / n };
}
