import type { PredictionLogReader, Workspace } from '@mlp/core';
import type { AlertObservation } from '../alerts/alert-rules.js';
import { openLabelStore } from '../quality/label-store.js';
import { measureModelQuality } from '../quality/model-quality.js';
import type { MonitorWindowQuality } from './monitor-result.js';
import type { MonitorSpec } from './monitor-spec.js';

/**
 * A deployment monitor's model quality over [start, end): its prediction log joined to the labels stored
 * under the deployment (`mlp monitor labels --deployment`), measured with scikit-learn's definitions.
 */
export async function windowQuality(
  workspace: Workspace,
  spec: MonitorSpec,
  reader: PredictionLogReader,
  start: number,
  end: number,
  signal?: AbortSignal,
): Promise<MonitorWindowQuality | null> {
  if (!spec.quality || spec.source.kind !== 'deployment') return null;
  const { task, predictionColumn, scoreColumn, positiveClass } = spec.quality;
  const { deployment, model, modelVersion } = spec.source;
  const windows = await measureModelQuality(reader, {
    labels: await openLabelStore(workspace),
    deployment,
    model,
    ...(modelVersion ? { modelVersion } : {}),
    from: start,
    to: end,
    ...(signal ? { signal } : {}),
    task,
    windowMs: end - start,
    origin: start,
    ...(predictionColumn ? { predictionColumn } : {}),
    ...(scoreColumn ? { scoreColumn } : {}),
    ...(positiveClass ? { positiveClass } : {}),
  });
  const window = windows[0];
  if (!window)
    return { task, kind: 'none', predictions: 0, labelled: 0, metrics: null, problem: 'no predictions were logged in the window' };
  const metrics: Record<string, number | null> | null = window.metrics
    ? 'rmse' in window.metrics
      ? { rmse: window.metrics.rmse, mae: window.metrics.mae, r2: window.metrics.r2 }
      : {
          accuracy: window.metrics.accuracy,
          precision: window.metrics.precision,
          recall: window.metrics.recall,
          f1: window.metrics.f1,
          roc_auc: window.metrics.rocAuc,
          log_loss: window.metrics.logLoss,
        }
    : null;
  return {
    task,
    kind: metrics ? 'measured' : 'none',
    predictions: window.predictions,
    labelled: window.labelled,
    metrics,
    problem: window.problem ?? (window.labelled === 0 ? 'no label has arrived for the window’s requests yet' : null),
  };
}

/** The `quality` alert observations of a window: one per metric (named in `column`) and the headline (accuracy, or RMSE) without one. */
export function qualityObservations(quality: MonitorWindowQuality | null | undefined): AlertObservation[] {
  if (!quality?.metrics) return [];
  const observations: AlertObservation[] = [];
  for (const [name, value] of Object.entries(quality.metrics))
    if (value !== null) observations.push({ metric: 'quality', column: name, value });
  const headline = quality.task === 'regression' ? quality.metrics.rmse : quality.metrics.accuracy;
  if (headline !== null && headline !== undefined) observations.push({ metric: 'quality', value: headline });
  return observations;
}

const metricOrder = ['accuracy', 'precision', 'recall', 'f1', 'roc_auc', 'log_loss', 'rmse', 'mae', 'r2'];

/** `accuracy 0.25, precision 0.25, …` in a fixed order (a stored result's keys come back in the database's order). */
export function qualitySummary(quality: MonitorWindowQuality): string {
  if (!quality.metrics) return quality.problem ?? 'no labels yet';
  const metrics = quality.metrics;
  return metricOrder
    .filter((name) => name in metrics)
    .map((name) => `${name} ${metrics[name] === null ? '–' : Number((metrics[name] as number).toPrecision(4)).toString()}`)
    .join(', ');
}
