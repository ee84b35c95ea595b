import { MlpError } from '@mlp/core';

/** A class as metrics compare it: booleans as `1`/`0`, numbers and strings as their text. */
export function classKey(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : null;
  return String(value);
}

export interface ClassificationInput {
  /** The true classes. */
  labels: readonly unknown[];
  /** The predicted classes; for a binary task they may be left out when `scores` are given (class = score ≥ threshold). */
  predictions?: readonly unknown[];
  /** The predicted probability of the positive class (binary tasks): ROC AUC and log loss need it. */
  scores?: readonly (number | null)[];
  /** `binary` (precision, recall, F1 of the positive class) or `multiclass` (their macro averages). */
  task?: 'binary' | 'multiclass';
  /** The positive class of a binary task, as its text (`1`, which `true` also maps to, by default). */
  positiveClass?: string;
  /** Scores at or above it predict the positive class when no predictions are given (0.5). */
  threshold?: number;
}

export interface ClassificationMetrics {
  task: 'binary' | 'multiclass';
  /** Rows with a label and a prediction. */
  rows: number;
  accuracy: number;
  /** Null where undefined: no predicted positives (precision), no actual positives (recall). */
  precision: number | null;
  recall: number | null;
  f1: number | null;
  /** Binary, with scores and both classes among the labels; null otherwise. */
  rocAuc: number | null;
  /** Binary, with scores; null otherwise. */
  logLoss: number | null;
}

/**
 * ROC AUC as scikit-learn's `roc_auc_score` computes it for a binary task: the trapezoidal area under
 * the ROC curve, equal to the Mann-Whitney U statistic with tied scores counting one half.
 */
export function rocAuc(positive: readonly boolean[], scores: ArrayLike<number>): number | null {
  const n = positive.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (scores[a] as number) - (scores[b] as number));
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1] as number] === scores[order[i] as number]) j += 1;
    const rank = (i + j) / 2 + 1; // tied scores share their average rank
    for (let k = i; k <= j; k += 1) {
      if (positive[order[k] as number]) {
        positives += 1;
        rankSum += rank;
      }
    }
    i = j + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return null;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** scikit-learn's `log_loss` for a binary task: probabilities clipped to [ε, 1 − ε], ε the float64 epsilon. */
export function binaryLogLoss(positive: readonly boolean[], scores: ArrayLike<number>): number {
  const eps = Number.EPSILON;
  let sum = 0;
  for (let i = 0; i < positive.length; i += 1) {
    const p = Math.min(1 - eps, Math.max(eps, scores[i] as number));
    sum -= positive[i] ? Math.log(p) : Math.log(1 - p);
  }
  return sum / positive.length;
}

/** The class predicted from a score below the threshold: whichever class is not the positive one. */
const negative = '\u0000not positive';

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);
const f1Of = (tp: number, fp: number, fn: number) => (2 * tp + fp + fn > 0 ? (2 * tp) / (2 * tp + fp + fn) : null);

/**
 * Classification quality of labelled predictions, with scikit-learn's definitions: accuracy;
 * precision, recall and F1 of the positive class (binary) or their unweighted means over the classes
 * (multiclass, `average='macro'`, a class never predicted counting precision 0 as scikit-learn does);
 * ROC AUC and log loss from the positive class's scores (binary). Rows without a label, or without a
 * prediction or score, are left out.
 */
export function classificationMetrics(input: ClassificationInput): ClassificationMetrics {
  const task = input.task ?? 'binary';
  const positive = input.positiveClass ?? '1';
  const threshold = input.threshold ?? 0.5;
  if (!input.predictions && !input.scores) {
    throw new MlpError('INVALID_ARGUMENT', 'Give the predicted classes (predictions) or, for a binary task, the scores.');
  }
  if (!input.predictions && task !== 'binary') {
    throw new MlpError('INVALID_ARGUMENT', 'A multiclass task needs the predicted classes (predictions), not only scores.');
  }
  const truth: string[] = [];
  const predicted: string[] = [];
  const scores: number[] = [];
  let everyScore = input.scores !== undefined;
  for (let i = 0; i < input.labels.length; i += 1) {
    const label = classKey(input.labels[i]);
    const score = input.scores?.[i];
    const hasScore = typeof score === 'number' && Number.isFinite(score);
    const prediction = input.predictions
      ? classKey(input.predictions[i])
      : hasScore
        ? (score as number) >= threshold
          ? positive
          : negative
        : null;
    if (label === null || prediction === null) continue;
    if (!hasScore) everyScore = false;
    truth.push(label);
    predicted.push(prediction);
    scores.push(hasScore ? (score as number) : Number.NaN);
  }
  const rows = truth.length;
  if (rows === 0)
    throw new MlpError('FAILED_PRECONDITION', 'No row has both a label and a prediction: ingest labels for these predictions first.');
  let correct = 0;
  for (let i = 0; i < rows; i += 1) {
    if (truth[i] === predicted[i] || (predicted[i] === negative && truth[i] !== positive)) correct += 1;
  }
  const accuracy = correct / rows;
  if (task === 'binary') {
    const classes = new Set([...truth, ...predicted].filter((value) => value !== negative));
    if (classes.size > 1 && !classes.has(positive)) {
      throw new MlpError(
        'INVALID_ARGUMENT',
        `The positive class ${JSON.stringify(positive)} is not among the classes (${[...classes].slice(0, 5).join(', ')}): set positiveClass to one of them.`,
      );
    }
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < rows; i += 1) {
      const actual = truth[i] === positive;
      const said = predicted[i] === positive;
      if (actual && said) tp += 1;
      else if (said) fp += 1;
      else if (actual) fn += 1;
    }
    const isPositive = truth.map((label) => label === positive);
    return {
      task,
      rows,
      accuracy,
      precision: ratio(tp, tp + fp),
      recall: ratio(tp, tp + fn),
      f1: f1Of(tp, fp, fn),
      rocAuc: everyScore ? rocAuc(isPositive, scores) : null,
      logLoss: everyScore ? binaryLogLoss(isPositive, scores) : null,
    };
  }
  const classes = [...new Set([...truth, ...predicted])];
  let precision = 0;
  let recall = 0;
  let f1 = 0;
  for (const cls of classes) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < rows; i += 1) {
      const actual = truth[i] === cls;
      const said = predicted[i] === cls;
      if (actual && said) tp += 1;
      else if (said) fp += 1;
      else if (actual) fn += 1;
    }
    precision += ratio(tp, tp + fp) ?? 0;
    recall += ratio(tp, tp + fn) ?? 0;
    f1 += f1Of(tp, fp, fn) ?? 0;
  }
  return {
    task,
    rows,
    accuracy,
    precision: precision / classes.length,
    recall: recall / classes.length,
    f1: f1 / classes.length,
    rocAuc: null,
    logLoss: null,
  };
}
