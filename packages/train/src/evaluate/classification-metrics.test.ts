import { describe, expect, it } from 'vitest';
import { createRandom } from '../data/seeded-random.js';
import { binaryMetrics, confusionMatrix, multiclassMetrics, precisionRecallCurve, rocCurve } from './classification-metrics.js';

/** AUC by its definition: the share of (positive, negative) pairs ordered correctly, ties half. O(n²). */
function pairwiseAuc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  let good = 0;
  let pairs = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== 1) continue;
    for (let j = 0; j < labels.length; j++) {
      if (labels[j] === 1) continue;
      pairs++;
      good += (scores[i] as number) > (scores[j] as number) ? 1 : scores[i] === scores[j] ? 0.5 : 0;
    }
  }
  return good / pairs;
}

describe('binaryMetrics', () => {
  it('matches the pairwise AUC on random data with many ties', () => {
    const random = createRandom(11);
    for (let trial = 0; trial < 5; trial++) {
      const n = 300;
      const labels = Float32Array.from({ length: n }, () => (random() < 0.4 ? 1 : 0));
      // Scores rounded to tenths: plenty of ties, loosely related to the labels.
      const scores = Float32Array.from(labels, (label) => Math.round((random() * 0.7 + label * 0.3) * 10) / 10);
      expect(binaryMetrics(labels, scores).auc).toBeCloseTo(pairwiseAuc(labels, scores), 10);
    }
  });

  it('computes accuracy, precision, recall and F1 of a small case by hand', () => {
    const labels = Float32Array.of(1, 1, 1, 0, 0, 0, 0, 1);
    const probabilities = Float32Array.of(0.9, 0.6, 0.2, 0.7, 0.1, 0.4, 0.5, 0.5);
    // Predicted positive at ≥ 0.5: rows 0, 1, 3, 6, 7 → TP 3 (0, 1, 7), FP 2 (3, 6), FN 1 (2), TN 2.
    const metrics = binaryMetrics(labels, probabilities);
    expect(metrics.accuracy).toBeCloseTo(5 / 8, 12);
    expect(metrics.precision).toBeCloseTo(3 / 5, 12);
    expect(metrics.recall).toBeCloseTo(3 / 4, 12);
    expect(metrics.f1).toBeCloseTo((2 * (3 / 5) * (3 / 4)) / (3 / 5 + 3 / 4), 12);
    // Log loss: minus the mean log of the probability given to the true class (inputs are float32).
    const trueClass = Array.from(labels, (label, i) =>
      label === 1 ? Math.fround(probabilities[i] as number) : 1 - Math.fround(probabilities[i] as number),
    );
    expect(metrics.logLoss).toBeCloseTo(-trueClass.reduce((sum, p) => sum + Math.log(p), 0) / 8, 10);
    // At 0.65: rows 0 and 3 are predicted positive → TP 1 (row 0), FP 1 (row 3), FN 3.
    expect(binaryMetrics(labels, probabilities, 0.65)).toMatchObject({ precision: 0.5, recall: 0.25, accuracy: 4 / 8 });
  });

  it('gives AUC null (not NaN) when the labels hold one class, and 0 precision with no positive prediction', () => {
    const metrics = binaryMetrics(Float32Array.of(0, 0, 0), Float32Array.of(0.1, 0.2, 0.3));
    expect(metrics.auc).toBeNull();
    expect(metrics).toMatchObject({ precision: 0, recall: 0, f1: 0, accuracy: 1 });
  });
});

describe('curves', () => {
  const labels = Float32Array.of(1, 0, 1, 1, 0, 0);
  const probabilities = Float32Array.of(0.9, 0.8, 0.8, 0.4, 0.3, 0.1);

  it('ROC goes from (0, 0) to (1, 1) through each distinct threshold', () => {
    const roc = rocCurve(labels, probabilities);
    expect(roc.thresholds.slice(1)).toEqual([0.9, 0.8, 0.4, 0.3, 0.1].map(Math.fround));
    expect(roc.tpr).toEqual([0, 1 / 3, 2 / 3, 1, 1, 1]);
    expect(roc.fpr).toEqual([0, 0, 1 / 3, 1 / 3, 2 / 3, 1]);
    // The trapezoid area under these points is the AUC.
    let area = 0;
    for (let i = 1; i < roc.fpr.length; i++) area += ((roc.fpr[i]! - roc.fpr[i - 1]!) * (roc.tpr[i]! + roc.tpr[i - 1]!)) / 2;
    expect(area).toBeCloseTo(binaryMetrics(labels, probabilities).auc as number, 12);
  });

  it('precision–recall follows the same thresholds', () => {
    const pr = precisionRecallCurve(labels, probabilities);
    expect(pr.recall).toEqual([0, 1 / 3, 2 / 3, 1, 1, 1]);
    expect(pr.precision).toEqual([1, 1, 2 / 3, 3 / 4, 3 / 5, 3 / 6]);
  });

  it('thins long curves to maxPoints, keeping both ends', () => {
    const random = createRandom(2);
    const many = Float32Array.from({ length: 5000 }, () => random());
    const manyLabels = Float32Array.from(many, (p) => (random() < p ? 1 : 0));
    const roc = rocCurve(manyLabels, many, 50);
    expect(roc.fpr.length).toBe(50);
    expect([roc.fpr[0], roc.tpr[0], roc.fpr[49], roc.tpr[49]]).toEqual([0, 0, 1, 1]);
    expect(rocCurve(Float32Array.of(1, 1), Float32Array.of(0.2, 0.4)).fpr).toEqual([]);
  });
});

describe('multiclass', () => {
  it('computes accuracy, macro F1, OvR AUC and log loss of a small case by hand', () => {
    const labels = Float32Array.of(0, 1, 2, 2);
    // Arg-max predictions: 0, 2, 2, 1.
    const probabilities = Float32Array.of(0.7, 0.2, 0.1, 0.1, 0.3, 0.6, 0.2, 0.2, 0.6, 0.1, 0.5, 0.4);
    const metrics = multiclassMetrics(labels, probabilities, 3);
    expect(metrics.accuracy).toBeCloseTo(2 / 4, 12);
    // F1 per class: 0 → 1; 1 → TP 0 → 0; 2 → TP 1, 2 actual, 2 predicted → 0.5.
    expect(metrics.f1).toBeCloseTo((1 + 0 + 0.5) / 3, 12);
    const aucs = [0, 1, 2].map((c) =>
      pairwiseAuc(
        Array.from(labels, (label) => (label === c ? 1 : 0)),
        Array.from({ length: 4 }, (_, row) => probabilities[row * 3 + c] as number),
      ),
    );
    expect(metrics.auc).toBeCloseTo(aucs.reduce((a, b) => a + b, 0) / 3, 10);
    expect(metrics.logLoss).toBeCloseTo(-(Math.log(0.7) + Math.log(0.3) + Math.log(0.6) + Math.log(0.4)) / 4, 6);
  });

  it('counts a confusion matrix with true classes as rows', () => {
    expect(confusionMatrix(Float32Array.of(0, 1, 2, 2), Int32Array.of(0, 2, 2, 1), 3)).toEqual([
      [1, 0, 0],
      [0, 0, 1],
      [0, 1, 1],
    ]);
    expect(() => confusionMatrix(Float32Array.of(3), Int32Array.of(0), 3)).toThrow(/not one of the 3 classes/);
  });
});
