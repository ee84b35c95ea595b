import { MlpError, type PredictionLogReader } from '@mlp/core';
import { type ClassificationMetrics, classificationMetrics } from './classification-metrics.js';
import { type LabelledRowsOptions, labelledPredictionRows } from './labelled-rows.js';
import { type RegressionMetrics, regressionMetrics } from './regression-metrics.js';

export type QualityTask = 'binary' | 'multiclass' | 'regression';

export interface ModelQualityOptions extends LabelledRowsOptions {
  task: QualityTask;
  /** Window length in milliseconds; windows are aligned to multiples of it (epoch ms), counted from `origin`. */
  windowMs: number;
  /** Where windows are aligned from (0): a monitor's window [end − windowMs, end) passes its start. */
  origin?: number;
  /**
   * The column with the predicted class or value (`prediction`). For a binary task with only
   * `scoreColumn`, the class is the score at or above `threshold`.
   */
  predictionColumn?: string;
  /** Binary: the column with the positive class's probability (ROC AUC and log loss need it). */
  scoreColumn?: string;
  positiveClass?: string;
  threshold?: number;
  onProgress?: (event: { rows: number; labelled: number }) => void;
}

/** A window's quality: its predictions, how many had a label, and the metrics of those (null when none). */
export interface QualityWindow {
  start: number;
  end: number;
  predictions: number;
  labelled: number;
  metrics: ClassificationMetrics | RegressionMetrics | null;
  /** Why the metrics are null although labels arrived (no labelled row had a usable prediction). */
  problem?: string;
}

interface Gathered {
  predictions: number;
  labels: unknown[];
  predicted: unknown[];
  scores: (number | null)[];
}

/**
 * Model quality per window from the prediction log joined to the labels that have arrived, by request
 * id: accuracy, precision, recall, F1, ROC AUC and log loss for classifiers, RMSE, MAE and R² for
 * regression (scikit-learn's definitions). Only labelled rows are kept (the label, the prediction and
 * the score), never the inputs. Windows without a label have null metrics.
 */
export async function measureModelQuality(reader: PredictionLogReader, options: ModelQualityOptions): Promise<QualityWindow[]> {
  const { task, windowMs, origin = 0, predictionColumn, scoreColumn, positiveClass, threshold, onProgress, ...join } = options;
  if (!Number.isSafeInteger(windowMs) || windowMs < 1) {
    throw new MlpError('INVALID_ARGUMENT', `windowMs must be a whole number of milliseconds ≥ 1, not ${windowMs}.`);
  }
  if (scoreColumn !== undefined && task !== 'binary') {
    throw new MlpError('INVALID_ARGUMENT', `scoreColumn is for binary classifiers; a ${task} task is measured on predictionColumn.`);
  }
  const predictionKey = predictionColumn ?? (scoreColumn === undefined ? 'prediction' : undefined);
  const windows = new Map<number, Gathered>();
  let rows = 0;
  let labelled = 0;
  for await (const { at, row, label } of labelledPredictionRows(reader, join)) {
    const start = origin + Math.floor((at - origin) / windowMs) * windowMs;
    let window = windows.get(start);
    if (!window) {
      window = { predictions: 0, labels: [], predicted: [], scores: [] };
      windows.set(start, window);
    }
    window.predictions += 1;
    rows += 1;
    if (label !== undefined) {
      labelled += 1;
      window.labels.push(label);
      window.predicted.push(predictionKey === undefined ? null : row[predictionKey]);
      const score = scoreColumn === undefined ? null : row[scoreColumn];
      window.scores.push(typeof score === 'number' ? score : null);
    }
    if (rows % 10_000 === 0) onProgress?.({ rows, labelled });
  }
  onProgress?.({ rows, labelled });
  return [...windows]
    .sort((a, b) => a[0] - b[0])
    .map(([start, window]) => ({
      start,
      end: start + windowMs,
      predictions: window.predictions,
      labelled: window.labels.length,
      ...metricsOf(window, { task, predictionKey, scoreColumn, positiveClass, threshold }),
    }));
}

function metricsOf(
  window: Gathered,
  options: {
    task: QualityTask;
    predictionKey: string | undefined;
    scoreColumn: string | undefined;
    positiveClass: string | undefined;
    threshold: number | undefined;
  },
): { metrics: ClassificationMetrics | RegressionMetrics | null; problem?: string } {
  if (window.labels.length === 0) return { metrics: null };
  try {
    if (options.task === 'regression') return { metrics: regressionMetrics({ labels: window.labels, predictions: window.predicted }) };
    const metrics = classificationMetrics({
      labels: window.labels,
      ...(options.predictionKey !== undefined ? { predictions: window.predicted } : {}),
      ...(options.scoreColumn !== undefined ? { scores: window.scores } : {}),
      task: options.task,
      ...(options.positiveClass !== undefined ? { positiveClass: options.positiveClass } : {}),
      ...(options.threshold !== undefined ? { threshold: options.threshold } : {}),
    });
    return { metrics };
  } catch (error) {
    // Labels arrived but no row had a usable prediction (for example a missing output column).
    if (MlpError.isInstance(error) && error.code === 'FAILED_PRECONDITION') {
      const column = options.predictionKey ?? options.scoreColumn;
      return {
        metrics: null,
        problem: `${window.labels.length} labelled rows but none with a usable ${column} value: check the prediction column`,
      };
    }
    throw error;
  }
}
