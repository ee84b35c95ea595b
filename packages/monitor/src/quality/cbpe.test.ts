import { MlpError } from '@mlp/core';
import { describe, expect, it } from 'vitest';
import { calibrate, fitCalibration } from './calibration.js';
import { estimatePerformance, fitCbpe } from './cbpe.js';
import { classificationMetrics } from './classification-metrics.js';

/** mulberry32: a seeded generator, so the synthetic data are the same on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Rows whose true probability of being positive is s, drawn uniformly from [a, b]; the label is drawn
 * with probability s; the model's score is s² (ranked right, but not calibrated).
 */
function rows(n: number, a: number, b: number, seed: number) {
  const next = random(seed);
  const scores: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const s = a + (b - a) * next();
    scores.push(s * s);
    labels.push(next() < s ? 1 : 0);
  }
  return { scores, labels };
}

/**
 * The quality in expectation for s uniform on [a, b], predicting positive when s² ≥ 0.5 (s ≥ t = √½):
 * integrals of s (positives) and 1 − s (negatives) over the predicted-positive and -negative ranges,
 * ROC AUC as P(s of a positive > s of a negative) (midpoint rule on 4,000 points, exact to 1e-6).
 */
function expected(a: number, b: number) {
  const t = Math.SQRT1_2;
  const integral = (lo: number, hi: number, f: (s: number) => number) => {
    const n = 4000;
    let sum = 0;
    for (let i = 0; i < n; i += 1) sum += f(lo + ((i + 0.5) * (hi - lo)) / n);
    return (sum * (hi - lo)) / n;
  };
  const tp = integral(t, b, (s) => s);
  const fp = integral(t, b, (s) => 1 - s);
  const fn = integral(a, t, (s) => s);
  const tn = integral(a, t, (s) => 1 - s);
  // ∫∫_{x > y} x (1 − y) dx dy = ∫ x · (∫_a^x (1 − y) dy) dx
  const pairs = integral(a, b, (x) => x * (x - a - (x * x - a * a) / 2));
  return {
    accuracy: (tp + tn) / (b - a),
    precision: tp / (tp + fp),
    recall: tp / (tp + fn),
    f1: (2 * tp) / (2 * tp + fp + fn),
    rocAuc: pairs / ((tp + fn) * (fp + tn)),
  };
}

describe('confidence-based performance estimation (CBPE)', () => {
  const reference = rows(20_000, 0, 1, 1);
  // The analysis window has shifted toward positives (covariate shift: P(label | s) unchanged).
  const analysis = rows(20_000, 0.3, 1, 2);
  const truth = expected(0.3, 1);

  for (const method of ['isotonic', 'histogram'] as const) {
    it(`estimates accuracy, precision, recall, F1 and ROC AUC of a shifted window within 0.02 of their expectation (${method} calibration)`, () => {
      const model = fitCbpe(reference, { calibration: method, bins: 20 });
      expect(model.reference.rows).toBe(20_000);
      const estimate = estimatePerformance(model, { scores: analysis.scores });
      expect(estimate.rows).toBe(20_000);
      for (const metric of ['accuracy', 'precision', 'recall', 'f1', 'rocAuc'] as const) {
        expect(Math.abs((estimate[metric] as number) - truth[metric]), metric).toBeLessThan(0.02);
      }
      // And close to what the labels, once drawn, show.
      const realized = classificationMetrics({ labels: analysis.labels, scores: analysis.scores });
      expect(Math.abs(estimate.accuracy - realized.accuracy)).toBeLessThan(0.02);
      expect(Math.abs((estimate.f1 as number) - (realized.f1 as number))).toBeLessThan(0.02);
    });
  }

  it('needs the calibration: the raw scores taken as probabilities miss the accuracy by far more', () => {
    const uncalibrated = estimatePerformance(fitCbpe(reference, { calibration: 'none' }), { scores: analysis.scores });
    expect(Math.abs(uncalibrated.accuracy - truth.accuracy)).toBeGreaterThan(0.05);
  });

  it('expected confusion matrix counted by hand on calibrated probabilities', () => {
    // Calibration 'none': probabilities are the scores. Predicted positive: 0.9, 0.6; negative: 0.2, 0.4.
    const model = fitCbpe({ labels: [1, 0], scores: [0.9, 0.1] }, { calibration: 'none' });
    const estimate = estimatePerformance(model, { scores: [0.9, 0.6, 0.2, 0.4, null] });
    expect(estimate.rows).toBe(4);
    expect(estimate.confusion.tp).toBeCloseTo(1.5, 15);
    expect(estimate.confusion.fp).toBeCloseTo(0.5, 15);
    expect(estimate.confusion.fn).toBeCloseTo(0.6, 15);
    expect(estimate.confusion.tn).toBeCloseTo(1.4, 15);
    expect(estimate.accuracy).toBeCloseTo(2.9 / 4, 15);
    expect(estimate.precision).toBeCloseTo(0.75, 15);
    expect(estimate.recall).toBeCloseTo(1.5 / 2.1, 15);
  });

  it('isotonic calibration pools violators as scikit-learn does, interpolates between blocks, clips outside', () => {
    // Scores 1..4 with labels 0, 1, 0, 1: blocks {1}=0, {2,3}=0.5, {4}=1.
    const calibration = fitCalibration([1, 2, 3, 4], [false, true, false, true]);
    expect(calibration).toEqual({ method: 'isotonic', x: [1, 2, 3, 4], y: [0, 0.5, 0.5, 1] });
    expect(calibrate(calibration, 1.5)).toBe(0.25);
    expect(calibrate(calibration, 2.5)).toBe(0.5);
    expect(calibrate(calibration, 0)).toBe(0);
    expect(calibrate(calibration, 9)).toBe(1);
  });

  it('refuses a reference without both classes or without scores', () => {
    expect(() => fitCbpe({ labels: [1, 1], scores: [0.2, 0.9] })).toThrow(/both classes/);
    expect(() => fitCbpe({ labels: [1, 0], scores: [null, null] })).toThrow(MlpError);
    const model = fitCbpe({ labels: [1, 0], scores: [0.9, 0.1] });
    expect(() => estimatePerformance(model, { scores: [] })).toThrow(/No row has a score/);
  });
});

describe('estimated quality per window of a prediction log', () => {
  it('estimates each window from its scores (counted by hand with calibration none)', async () => {
    const { estimateQualityWindows } = await import('./estimated-quality.js');
    const entry = (at: number, scores: number[]) => ({
      at,
      model: 'm',
      modelVersion: '1',
      requestId: `r${at}`,
      kind: 'records' as const,
      inputs: scores.map(() => ({ x: 1 })),
      outputs: scores.map((score) => [score]),
      latencyMs: 1,
    });
    const log = {
      async *read() {
        yield entry(0, [0.9, 0.6]);
        yield entry(10, [0.2, 0.4]);
        yield entry(1000, [0.8]);
        yield { ...entry(1010, [0.1]), outputs: [['not a score']] };
      },
    };
    const model = fitCbpe({ labels: [1, 0], scores: [0.9, 0.1] }, { calibration: 'none' });
    const windows = await estimateQualityWindows(log, { cbpe: model, model: 'm', from: 0, to: 2000, windowMs: 1000 });
    expect(windows.map(({ start, predictions }) => [start, predictions])).toEqual([
      [0, 4],
      [1000, 2],
    ]);
    expect(windows[0]?.estimate?.accuracy).toBeCloseTo(2.9 / 4, 15);
    expect(windows[1]?.estimate).toMatchObject({ rows: 1, accuracy: 0.8 });
  });
});
