import { MlpError } from '@mlp/core';
import { describe, expect, it } from 'vitest';
import { classificationMetrics, rocAuc } from './classification-metrics.js';
import { regressionMetrics } from './regression-metrics.js';

// Expected values are the examples in scikit-learn's documentation (1.5 API reference:
// accuracy_score, precision_score / recall_score / f1_score, roc_auc_score, log_loss,
// mean_squared_error, mean_absolute_error, r2_score), or counted by hand where said.
describe('classification metrics (scikit-learn definitions)', () => {
  it('accuracy: accuracy_score([0, 2, 1, 3], [0, 1, 2, 3]) = 0.5', () => {
    const metrics = classificationMetrics({ labels: [0, 2, 1, 3], predictions: [0, 1, 2, 3], task: 'multiclass' });
    expect(metrics.accuracy).toBe(0.5);
    expect(metrics.rows).toBe(4);
  });

  it("macro precision, recall and F1: y_true=[0,1,2,0,1,2], y_pred=[0,2,1,0,0,1] give 2/9, 1/3 and 4/15 (average='macro')", () => {
    const metrics = classificationMetrics({ labels: [0, 1, 2, 0, 1, 2], predictions: [0, 2, 1, 0, 0, 1], task: 'multiclass' });
    expect(metrics.precision).toBeCloseTo(0.2222222222222222, 15);
    expect(metrics.recall).toBeCloseTo(0.3333333333333333, 15);
    expect(metrics.f1).toBeCloseTo(0.26666666666666666, 15);
    expect(metrics.rocAuc).toBeNull();
  });

  it('ROC AUC: roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) = 0.75', () => {
    expect(rocAuc([false, false, true, true], [0.1, 0.4, 0.35, 0.8])).toBe(0.75);
    // Ties count one half (by hand: pairs (pos, neg) = (0.5, 0.5) tie, (0.5, 0.2) win, (0.9, ·) two wins → 3.5/4).
    expect(rocAuc([true, false, true, false], [0.5, 0.5, 0.9, 0.2])).toBe(0.875);
    expect(rocAuc([true, true], [0.2, 0.3])).toBeNull();
  });

  it('log loss: log_loss(["spam", "ham", "ham", "spam"], [[.1, .9], [.9, .1], [.8, .2], [.35, .65]]) = 0.21616...', () => {
    const metrics = classificationMetrics({ labels: ['spam', 'ham', 'ham', 'spam'], scores: [0.9, 0.1, 0.2, 0.65], positiveClass: 'spam' });
    expect(metrics.logLoss).toBeCloseTo(0.21616187468057912, 14);
    // Predicted at 0.5: every row right.
    expect(metrics.accuracy).toBe(1);
    expect(metrics.rocAuc).toBe(1);
  });

  it('binary precision, recall, F1 counted by hand, booleans as classes, rows without a label left out', () => {
    // TP: rows 0, 1; FP: row 2; FN: row 3; TN: row 4 → precision 2/3, recall 2/3, F1 2/3, accuracy 3/5.
    const metrics = classificationMetrics({
      labels: [true, true, false, true, false, null],
      predictions: [1, 1, 1, 0, 0, 1],
      scores: [0.9, 0.8, 0.7, 0.3, 0.1, 0.9],
    });
    expect(metrics).toMatchObject({ task: 'binary', rows: 5, accuracy: 0.6 });
    expect(metrics.precision).toBeCloseTo(2 / 3, 15);
    expect(metrics.recall).toBeCloseTo(2 / 3, 15);
    expect(metrics.f1).toBeCloseTo(2 / 3, 15);
    // Positives 0.9, 0.8, 0.3 against negatives 0.7, 0.1: 5 of 6 pairs ranked right.
    expect(metrics.rocAuc).toBeCloseTo(5 / 6, 15);
  });

  it('precision is null (not 0) when nothing is predicted positive; no labelled row is an MlpError', () => {
    const metrics = classificationMetrics({ labels: [1, 0], predictions: [0, 0] });
    expect(metrics.precision).toBeNull();
    expect(metrics.recall).toBe(0);
    expect(() => classificationMetrics({ labels: [null], predictions: [1] })).toThrow(MlpError);
    expect(() => classificationMetrics({ labels: ['late', 'on_time'], predictions: ['late', 'late'] })).toThrow(/set positiveClass/);
    // One class only (a window where every label and prediction is negative) is not a mistake.
    expect(classificationMetrics({ labels: [0, 0], predictions: [0, 0] })).toMatchObject({ accuracy: 1, precision: null, recall: null });
    expect(() => classificationMetrics({ labels: [1], task: 'multiclass', scores: [0.3] })).toThrow(/predicted classes/);
  });
});

describe('regression metrics (scikit-learn definitions)', () => {
  it('y_true=[3, -0.5, 2, 7], y_pred=[2.5, 0.0, 2, 8]: MSE 0.375, MAE 0.5, R² 0.9486081370449679', () => {
    const metrics = regressionMetrics({ labels: [3, -0.5, 2, 7], predictions: [2.5, 0.0, 2, 8] });
    expect(metrics.rmse).toBeCloseTo(Math.sqrt(0.375), 15);
    expect(metrics.mae).toBe(0.5);
    expect(metrics.r2).toBeCloseTo(0.9486081370449679, 14);
  });

  it('constant labels: R² 1 when perfect, 0 otherwise (force_finite); rows with a missing side left out', () => {
    expect(regressionMetrics({ labels: [2, 2, 2, null], predictions: [2, 2, 2, 5] }).r2).toBe(1);
    expect(regressionMetrics({ labels: [2, 2, 2], predictions: [2, 2, 3] })).toMatchObject({ rows: 3, r2: 0 });
    expect(() => regressionMetrics({ labels: ['a'], predictions: [1] })).toThrow(MlpError);
  });
});
