import { MlpError, type PredictionLogQuery, type PredictionLogReader } from '@mlp/core';
import { predictionRows } from '../profile/prediction-rows.js';
import { type CbpeModel, type EstimatedPerformance, estimatePerformance } from './cbpe.js';

export interface EstimatedQualityOptions extends PredictionLogQuery {
  /** The CBPE model fitted on a labelled reference (`fitCbpe`). */
  cbpe: CbpeModel;
  /** Window length in milliseconds; windows are aligned to multiples of it (epoch ms). */
  windowMs: number;
  /** The column with the positive class's probability (`prediction`). */
  scoreColumn?: string;
  /** The column with the predicted class; default: the score at or above the model's threshold. */
  predictionColumn?: string;
  /** Only entries this deployment logged. */
  deployment?: string;
}

export interface EstimatedQualityWindow {
  start: number;
  end: number;
  predictions: number;
  /** Null when no row of the window had a score. */
  estimate: EstimatedPerformance | null;
}

/**
 * Estimated quality per window of a binary classifier's prediction log, before labels arrive (CBPE).
 * Only each row's score and predicted class are kept while a window is read.
 */
export async function estimateQualityWindows(
  reader: PredictionLogReader,
  options: EstimatedQualityOptions,
): Promise<EstimatedQualityWindow[]> {
  const { cbpe, windowMs, scoreColumn = 'prediction', predictionColumn, deployment, ...query } = options;
  if (!Number.isSafeInteger(windowMs) || windowMs < 1) {
    throw new MlpError('INVALID_ARGUMENT', `windowMs must be a whole number of milliseconds ≥ 1, not ${windowMs}.`);
  }
  const windows = new Map<number, { scores: (number | null)[]; predictions: unknown[] }>();
  for await (const entry of reader.read(query)) {
    if (deployment !== undefined && entry.deployment !== undefined && entry.deployment !== deployment) continue;
    const start = Math.floor(entry.at / windowMs) * windowMs;
    let window = windows.get(start);
    if (!window) {
      window = { scores: [], predictions: [] };
      windows.set(start, window);
    }
    for (const row of predictionRows(entry)) {
      const score = row[scoreColumn];
      window.scores.push(typeof score === 'number' ? score : null);
      if (predictionColumn !== undefined) window.predictions.push(row[predictionColumn]);
    }
  }
  return [...windows]
    .sort((a, b) => a[0] - b[0])
    .map(([start, window]) => {
      const scored = window.scores.some((score) => score !== null && Number.isFinite(score));
      return {
        start,
        end: start + windowMs,
        predictions: window.scores.length,
        estimate: scored
          ? estimatePerformance(cbpe, {
              scores: window.scores,
              ...(predictionColumn !== undefined ? { predictions: window.predictions } : {}),
            })
          : null,
      };
    });
}
