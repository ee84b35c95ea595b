import type { LoggedModel, LoggedModelMetric, LoggedModelStatus } from '../model.js';
import { integer, list, metricJson, object, pairs, parseMetric, text, toPairs, unexpected } from './mlflow-wire.js';

/** MLflow's LoggedModelStatus enum: names and numbers (protobuf's JSON mapping allows both) to mlp's status. */
const statusByWire = new Map<string, LoggedModelStatus>([
  ['LOGGED_MODEL_PENDING', 'PENDING'],
  ['LOGGED_MODEL_READY', 'READY'],
  ['LOGGED_MODEL_UPLOAD_FAILED', 'FAILED'],
  ['1', 'PENDING'],
  ['2', 'READY'],
  ['3', 'FAILED'],
]);
const wireByStatus: Record<LoggedModelStatus, string> = {
  PENDING: 'LOGGED_MODEL_PENDING',
  READY: 'LOGGED_MODEL_READY',
  FAILED: 'LOGGED_MODEL_UPLOAD_FAILED',
};

/** The status a wire value names, or undefined (LOGGED_MODEL_STATUS_UNSPECIFIED and anything unknown). */
export function loggedModelStatusOf(value: unknown): LoggedModelStatus | undefined {
  return typeof value === 'string' || typeof value === 'number' ? statusByWire.get(String(value)) : undefined;
}

export function loggedModelStatusJson(status: LoggedModelStatus): string {
  return wireByStatus[status];
}

/** A metric linked to a logged model, as MLflow's Metric message carries it. */
export function loggedModelMetricJson(modelId: string, metric: LoggedModelMetric) {
  return {
    ...metricJson(metric),
    model_id: modelId,
    run_id: metric.runId,
    ...(metric.datasetName === undefined ? {} : { dataset_name: metric.datasetName }),
    ...(metric.datasetDigest === undefined ? {} : { dataset_digest: metric.datasetDigest }),
  };
}

/** MLflow's LoggedModel message (`info` and `data`), with proto field names and int64 as numbers. */
export function loggedModelJson(model: LoggedModel) {
  return {
    info: {
      model_id: model.modelId,
      experiment_id: model.experimentId,
      name: model.name,
      creation_timestamp_ms: model.creationTimestamp,
      last_updated_timestamp_ms: model.lastUpdatedTimestamp,
      artifact_uri: model.artifactLocation,
      status: loggedModelStatusJson(model.status),
      ...(model.modelType === null ? {} : { model_type: model.modelType }),
      ...(model.sourceRunId === null ? {} : { source_run_id: model.sourceRunId }),
      tags: toPairs(model.tags),
    },
    data: {
      params: toPairs(model.params),
      metrics: model.metrics.map((metric) => loggedModelMetricJson(model.modelId, metric)),
    },
  };
}

export function parseLoggedModel(value: unknown): LoggedModel {
  const json = object(value, 'model');
  const info = object(json.info, 'model.info');
  const data = json.data === undefined ? {} : object(json.data, 'model.data');
  const status = loggedModelStatusOf(info.status);
  if (!status) throw unexpected(`logged model status ${JSON.stringify(info.status)}`);
  const created = info.creation_timestamp_ms === undefined ? 0 : integer(info.creation_timestamp_ms, 'creation_timestamp_ms');
  return {
    modelId: text(info.model_id),
    experimentId: text(info.experiment_id),
    name: text(info.name),
    artifactLocation: text(info.artifact_uri),
    creationTimestamp: created,
    lastUpdatedTimestamp:
      info.last_updated_timestamp_ms === undefined ? created : integer(info.last_updated_timestamp_ms, 'last_updated_timestamp_ms'),
    status,
    modelType: info.model_type === undefined || info.model_type === '' ? null : text(info.model_type),
    sourceRunId: info.source_run_id === undefined || info.source_run_id === '' ? null : text(info.source_run_id),
    params: pairs(data.params),
    tags: pairs(info.tags),
    metrics: list(data.metrics).map((metric) => ({
      ...parseMetric(metric),
      runId: text(metric.run_id),
      ...(metric.dataset_name ? { datasetName: text(metric.dataset_name) } : {}),
      ...(metric.dataset_digest ? { datasetDigest: text(metric.dataset_digest) } : {}),
    })),
  };
}
