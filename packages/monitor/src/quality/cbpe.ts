import { MlpError } from '@mlp/core';
import { type CalibrationJson, calibrate, fitCalibration } from './calibration.js';
import { type ClassificationMetrics, classificationMetrics, classKey } from './classification-metrics.js';

export interface CbpeOptions {
  /** How scores are calibrated on the reference: isotonic regression (default), equal-count bins, or not at all. */
  calibration?: 'isotonic' | 'histogram' | 'none';
  /** Bins of the histogram calibration (10). */
  bins?: number;
  /** The positive class, as its text (`1`; `true` maps to it). */
  positiveClass?: string;
  /** A score at or above it predicts the positive class, when predictions are not given (0.5). */
  threshold?: number;
}

/** What CBPE keeps from the reference: the calibration and the quality realized there (plain JSON, storable). */
export interface CbpeModel {
  format: 'mlp.cbpe';
  calibration: CalibrationJson;
  positiveClass: string;
  threshold: number;
  reference: ClassificationMetrics;
}

/** Quality estimated without labels, from the expected confusion matrix. */
export interface EstimatedPerformance {
  rows: number;
  accuracy: number;
  precision: number | null;
  recall: number | null;
  f1: number | null;
  rocAuc: number | null;
  /** The expected confusion matrix (sums of calibrated probabilities). */
  confusion: { tp: number; fp: number; fn: number; tn: number };
}

/**
 * Fits confidence-based performance estimation (NannyML's CBPE) for a binary classifier on a labelled
 * reference window: the scores are calibrated against the labels, so that a score's calibrated value
 * is the probability its row is positive.
 */
export function fitCbpe(
  reference: { labels: readonly unknown[]; scores: readonly (number | null)[]; predictions?: readonly unknown[] },
  options: CbpeOptions = {},
): CbpeModel {
  const positiveClass = options.positiveClass ?? '1';
  const threshold = options.threshold ?? 0.5;
  const scores: number[] = [];
  const positive: boolean[] = [];
  for (let i = 0; i < reference.labels.length; i += 1) {
    const label = classKey(reference.labels[i]);
    const score = reference.scores[i];
    if (label === null || typeof score !== 'number' || !Number.isFinite(score)) continue;
    scores.push(score);
    positive.push(label === positiveClass);
  }
  if (scores.length === 0) {
    throw new MlpError(
      'FAILED_PRECONDITION',
      "CBPE needs a reference with labels and scores: give a labelled window of the model's predictions.",
    );
  }
  if (!positive.includes(true) || !positive.includes(false)) {
    throw new MlpError(
      'FAILED_PRECONDITION',
      `The reference's labels are all ${positive[0] ? 'positive' : 'negative'} (positive class ${JSON.stringify(positiveClass)}): calibration needs both classes; check positiveClass.`,
    );
  }
  const calibration = fitCalibration(scores, positive, {
    method: options.calibration ?? 'isotonic',
    ...(options.bins !== undefined ? { bins: options.bins } : {}),
  });
  const metrics = classificationMetrics({
    labels: reference.labels,
    scores: reference.scores,
    ...(reference.predictions ? { predictions: reference.predictions } : {}),
    positiveClass,
    threshold,
  });
  return { format: 'mlp.cbpe', calibration, positiveClass, threshold, reference: metrics };
}

/**
 * Estimates a binary classifier's quality on unlabelled rows (NannyML's CBPE): each row's calibrated
 * probability p counts p toward a true positive and 1 − p toward a false positive when the row is
 * predicted positive, p toward a false negative and 1 − p toward a true negative otherwise; accuracy,
 * precision, recall and F1 follow from that expected confusion matrix. ROC AUC is the area under the
 * expected ROC curve: rows ranked by score, each adding p to the true and 1 − p to the false positives.
 * Valid while the calibration holds (covariate shift, not concept drift).
 */
export function estimatePerformance(
  model: CbpeModel,
  analysis: { scores: readonly (number | null)[]; predictions?: readonly unknown[] },
): EstimatedPerformance {
  const scores: number[] = [];
  const probabilities: number[] = [];
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  for (let i = 0; i < analysis.scores.length; i += 1) {
    const score = analysis.scores[i];
    if (typeof score !== 'number' || !Number.isFinite(score)) continue;
    const p = calibrate(model.calibration, score);
    const predictedPositive = analysis.predictions ? classKey(analysis.predictions[i]) === model.positiveClass : score >= model.threshold;
    if (predictedPositive) {
      tp += p;
      fp += 1 - p;
    } else {
      fn += p;
      tn += 1 - p;
    }
    scores.push(score);
    probabilities.push(p);
  }
  const rows = scores.length;
  if (rows === 0) throw new MlpError('FAILED_PRECONDITION', "No row has a score to estimate from: give the positive class's scores.");
  return {
    rows,
    accuracy: (tp + tn) / rows,
    precision: tp + fp > 0 ? tp / (tp + fp) : null,
    recall: tp + fn > 0 ? tp / (tp + fn) : null,
    f1: 2 * tp + fp + fn > 0 ? (2 * tp) / (2 * tp + fp + fn) : null,
    rocAuc: expectedRocAuc(scores, probabilities),
    confusion: { tp, fp, fn, tn },
  };
}

/** The trapezoidal area under the expected ROC curve, tied scores one step (a diagonal). */
function expectedRocAuc(scores: number[], probabilities: number[]): number | null {
  const order = Array.from(scores.keys()).sort((a, b) => (scores[b] as number) - (scores[a] as number));
  let positives = 0;
  for (const p of probabilities) positives += p;
  const negatives = probabilities.length - positives;
  if (positives <= 0 || negatives <= 0) return null;
  let area = 0;
  let tpr = 0;
  let fpr = 0;
  for (let i = 0; i < order.length; ) {
    let dTp = 0;
    let dFp = 0;
    const score = scores[order[i] as number];
    for (; i < order.length && scores[order[i] as number] === score; i += 1) {
      const p = probabilities[order[i] as number] as number;
      dTp += p;
      dFp += 1 - p;
    }
    const nextTpr = tpr + dTp / positives;
    const nextFpr = fpr + dFp / negatives;
    area += ((nextFpr - fpr) * (tpr + nextTpr)) / 2;
    tpr = nextTpr;
    fpr = nextFpr;
  }
  return area;
}
