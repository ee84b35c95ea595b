import { MlpError } from '@mlp/core';

export interface RegressionMetrics {
  /** Rows with a finite label and prediction. */
  rows: number;
  rmse: number;
  mae: number;
  /**
   * 1 − SS_res / SS_tot; scikit-learn's `r2_score` with `force_finite`: when the labels are constant,
   * 1 for perfect predictions and 0 otherwise.
   */
  r2: number;
}

const finite = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** Regression quality with scikit-learn's definitions (`root_mean_squared_error`, `mean_absolute_error`, `r2_score`). */
export function regressionMetrics(input: { labels: readonly unknown[]; predictions: readonly unknown[] }): RegressionMetrics {
  let rows = 0;
  let mean = 0;
  for (let i = 0; i < input.labels.length; i += 1) {
    const y = input.labels[i];
    if (finite(y) && finite(input.predictions[i])) {
      rows += 1;
      mean += (y - mean) / rows;
    }
  }
  if (rows === 0) {
    throw new MlpError(
      'FAILED_PRECONDITION',
      'No row has both a numeric label and a numeric prediction: ingest labels for these predictions first.',
    );
  }
  let squared = 0;
  let absolute = 0;
  let total = 0;
  for (let i = 0; i < input.labels.length; i += 1) {
    const y = input.labels[i];
    const p = input.predictions[i];
    if (!finite(y) || !finite(p)) continue;
    squared += (y - p) ** 2;
    absolute += Math.abs(y - p);
    total += (y - mean) ** 2;
  }
  return {
    rows,
    rmse: Math.sqrt(squared / rows),
    mae: absolute / rows,
    r2: total > 0 ? 1 - squared / total : squared === 0 ? 1 : 0,
  };
}
