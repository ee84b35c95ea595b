import { MlpError } from '@mlp/core';

export interface RegressionMetrics {
  rmse: number;
  mae: number;
  /** 1 − residual / total sum of squares; null when the actual values are constant (undefined). */
  r2: number | null;
}

/** Root mean squared error, mean absolute error and R² (coefficient of determination). */
export function regressionMetrics(actual: Float32Array, predicted: Float32Array): RegressionMetrics {
  const n = actual.length;
  if (n === 0) throw new MlpError('INVALID_ARGUMENT', 'Cannot compute metrics over 0 rows: evaluate a split that has rows.');
  if (predicted.length !== n) throw new MlpError('INVALID_ARGUMENT', `${n} actual values need ${n} predictions, got ${predicted.length}.`);
  let sum = 0;
  for (const value of actual) sum += value;
  const mean = sum / n;
  let squared = 0;
  let absolute = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const error = (actual[i] as number) - (predicted[i] as number);
    squared += error * error;
    absolute += Math.abs(error);
    total += ((actual[i] as number) - mean) ** 2;
  }
  return { rmse: Math.sqrt(squared / n), mae: absolute / n, r2: total === 0 ? null : 1 - squared / total };
}
