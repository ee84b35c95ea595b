import type { Task } from '../spec/train-spec.js';
import { binaryMetrics, confusionMatrix, multiclassMetrics, precisionRecallCurve, rocCurve } from './classification-metrics.js';
import { regressionMetrics } from './regression-metrics.js';

/** A split's evaluation: metrics (null where undefined, such as AUC with one class) and, on request, curves. */
export interface EvaluationReport {
  metrics: Record<string, number | null>;
  /** Rows are true classes, columns predicted ones (classification). */
  confusionMatrix?: number[][];
  roc?: ReturnType<typeof rocCurve>;
  precisionRecall?: ReturnType<typeof precisionRecallCurve>;
}

/**
 * The task's metrics for model outputs: accuracy, AUC, F1, precision, recall and log loss for
 * binary; accuracy, macro F1 and AUC, log loss for multi-class; RMSE, MAE and R² for regression.
 */
export function evaluatePredictions(
  task: Task,
  labels: Float32Array,
  outputs: Float32Array,
  classes: number,
  options: { curves?: boolean } = {},
): EvaluationReport {
  if (task === 'regression') return { metrics: { ...regressionMetrics(labels, outputs) } };
  if (task === 'binary') {
    const predicted = new Int32Array(labels.length);
    for (let i = 0; i < labels.length; i += 1) predicted[i] = (outputs[i] as number) >= 0.5 ? 1 : 0;
    return {
      metrics: snakeCase(binaryMetrics(labels, outputs)),
      ...(options.curves
        ? {
            confusionMatrix: confusionMatrix(labels, predicted, 2),
            roc: rocCurve(labels, outputs),
            precisionRecall: precisionRecallCurve(labels, outputs),
          }
        : {}),
    };
  }
  const predicted = new Int32Array(labels.length);
  for (let row = 0; row < labels.length; row += 1) {
    let best = 0;
    for (let c = 1; c < classes; c += 1) if ((outputs[row * classes + c] as number) > (outputs[row * classes + best] as number)) best = c;
    predicted[row] = best;
  }
  return {
    metrics: snakeCase(multiclassMetrics(labels, outputs, classes)),
    ...(options.curves ? { confusionMatrix: confusionMatrix(labels, predicted, classes) } : {}),
  };
}

/** Metric names as runs log them, MLflow-style: `log_loss`, not `logLoss`. */
function snakeCase(metrics: object): Record<string, number | null> {
  return Object.fromEntries(
    Object.entries(metrics).map(([key, value]) => [key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`), value]),
  );
}
