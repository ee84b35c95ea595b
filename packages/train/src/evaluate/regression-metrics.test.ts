import { describe, expect, it } from 'vitest';
import { regressionMetrics } from './regression-metrics.js';

describe('regressionMetrics', () => {
  it('computes RMSE, MAE and R² of a small case by hand', () => {
    const actual = Float32Array.of(3, -0.5, 2, 7);
    const predicted = Float32Array.of(2.5, 0, 2, 8);
    // Errors 0.5, -0.5, 0, -1; mean actual 2.875; total sum of squares
    // 0.125² + 3.375² + 0.875² + 4.125² = 29.1875 (scikit-learn's r2_score docs give 0.948 for this case).
    const metrics = regressionMetrics(actual, predicted);
    expect(metrics.mae).toBeCloseTo((0.5 + 0.5 + 0 + 1) / 4, 12);
    expect(metrics.rmse).toBeCloseTo(Math.sqrt((0.25 + 0.25 + 0 + 1) / 4), 12);
    expect(metrics.r2).toBeCloseTo(1 - 1.5 / 29.1875, 12);
  });

  it('gives R² null for constant actual values, and refuses mismatched lengths', () => {
    expect(regressionMetrics(Float32Array.of(2, 2), Float32Array.of(1, 3)).r2).toBeNull();
    expect(() => regressionMetrics(Float32Array.of(1, 2), Float32Array.of(1))).toThrow(/2 predictions/);
  });
});
