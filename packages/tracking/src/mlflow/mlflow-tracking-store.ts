import { MlpError } from '@mlp/core';
import type { Experiment, Metric, TrackingPage } from '../model.js';
import { assertSummaryInput, summarizePoints } from '../store/metric-summary.js';
import type { CreateRunInput, LogBatchInput, SearchExperimentsInput, TrackingStore } from '../store/tracking-store.js';
import { assertCreateLoggedModel } from '../validate-logged-model.js';
import { assertLogBatch } from '../validate-names.js';
import { splitLogBatch } from './log-batch-requests.js';
import { loggedModelStatusJson, parseLoggedModel } from './logged-model-wire.js';
import { createMlflowHttpClient, type MlflowHttpOptions } from './mlflow-http-client.js';
import { datasetInputJson, metricJson, parseExperiment, parseMetric, parseRun, toPairs } from './mlflow-wire.js';

export interface MlflowTrackingStoreOptions extends MlflowHttpOptions {
  /**
   * Refuse a batch over MLflow's per-request limits, as the SQL store does (the default), so a batch
   * is applied whole or not at all. With false, a larger batch is split into several requests, which
   * a server failure midway can leave partly applied.
   */
  enforceBatchLimits?: boolean;
}

/** Set on runs/create by a heartbeating process; mlp server turns it into the run's heartbeat timeout. */
const heartbeatTimeoutTag = 'mlp.heartbeat_timeout_ms';
const parentRunTag = 'mlflow.parentRunId';
const heartbeatEndpoint = 'mlp/runs/heartbeat';

function page<T>(items: T[], answer: Record<string, unknown>): TrackingPage<T> {
  const token = answer.next_page_token;
  return typeof token === 'string' && token !== '' ? { items, nextPageToken: token } : { items };
}

/** A logged model's REST path; the id is percent-encoded so no id can reach another route. */
const modelPath = (modelId: string) => `mlflow/logged-models/${encodeURIComponent(modelId)}`;

/** `''` is how MLflow's filter grammar escapes a quote inside a string. */
const quoted = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** The store's name substring and MLflow filter as one MLflow filter. */
function experimentFilter(input: SearchExperimentsInput): string | undefined {
  const parts = [
    ...(input.nameContains ? [`name ILIKE ${quoted(`%${input.nameContains}%`)}`] : []),
    ...(input.filter?.trim() ? [input.filter] : []),
  ];
  return parts.length > 0 ? parts.join(' AND ') : undefined;
}

/**
 * A TrackingStore on an MLflow tracking server's REST API: `mlp server`, or MLflow's own. Uses global
 * fetch (keep-alive by default), retries 429, 5xx and network failures with backoff, and maps MLflow's
 * error codes to MlpError codes.
 */
export function createMlflowTrackingStore(options: MlflowTrackingStoreOptions): TrackingStore {
  const http = createMlflowHttpClient(options);
  const enforceBatchLimits = options.enforceBatchLimits ?? true;
  // Learned on the first heartbeat: MLflow's own server has no heartbeat route.
  let heartbeats: boolean | undefined;

  const getExperiment = async (experimentId: string) =>
    parseExperiment((await http.get('mlflow/experiments/get', { experiment_id: experimentId })).experiment);
  const getRun = async (runId: string) => parseRun((await http.get('mlflow/runs/get', { run_id: runId })).run);

  async function postBatch(runId: string, batch: LogBatchInput): Promise<void> {
    const requests = enforceBatchLimits ? [batch] : splitLogBatch(batch);
    // Every request is checked before the first is sent, so a bad value never leaves half a batch behind.
    for (const request of requests) assertLogBatch(request);
    for (const request of requests) {
      await http.post('mlflow/runs/log-batch', {
        run_id: runId,
        metrics: (request.metrics ?? []).map(metricJson),
        params: request.params ?? [],
        tags: request.tags ?? [],
      });
    }
  }

  const store: TrackingStore = {
    kind: 'mlflow',
    // logBatch splits larger batches into MLflow-sized requests itself.
    batchLimits: { metrics: 10_000, params: 1000, tags: 1000, total: 10_000 },

    async createExperiment(input) {
      const created = await http.post('mlflow/experiments/create', {
        name: input.name,
        ...(input.artifactLocation ? { artifact_location: input.artifactLocation } : {}),
        tags: toPairs(input.tags),
      });
      return getExperiment(String(created.experiment_id));
    },

    getExperiment,

    async getExperimentByName(name) {
      try {
        return parseExperiment((await http.get('mlflow/experiments/get-by-name', { experiment_name: name })).experiment);
      } catch (error) {
        if (MlpError.isInstance(error) && error.code === 'NOT_FOUND') return undefined;
        throw error;
      }
    },

    async searchExperiments(input = {}) {
      const answer = await http.post('mlflow/experiments/search', {
        view_type: input.viewType ?? 'ACTIVE_ONLY',
        max_results: input.maxResults ?? 1000,
        ...(experimentFilter(input) ? { filter: experimentFilter(input) } : {}),
        ...(input.orderBy?.length ? { order_by: input.orderBy } : {}),
        ...(input.pageToken ? { page_token: input.pageToken } : {}),
      });
      let items: Experiment[] = Array.isArray(answer.experiments) ? answer.experiments.map(parseExperiment) : [];
      // MLflow's ILIKE reads % and _ as wildcards; keep only true substring matches.
      const needle = input.nameContains?.toLowerCase();
      if (needle) items = items.filter((experiment) => experiment.name.toLowerCase().includes(needle));
      return page(items, answer);
    },

    async renameExperiment(experimentId, newName) {
      await http.post('mlflow/experiments/update', { experiment_id: experimentId, new_name: newName });
    },
    async deleteExperiment(experimentId) {
      await http.post('mlflow/experiments/delete', { experiment_id: experimentId });
    },
    async restoreExperiment(experimentId) {
      await http.post('mlflow/experiments/restore', { experiment_id: experimentId });
    },
    async setExperimentTag(experimentId, key, value) {
      await http.post('mlflow/experiments/set-experiment-tag', { experiment_id: experimentId, key, value });
    },
    async deleteExperimentTag(experimentId, key) {
      await http.post('mlflow/experiments/delete-experiment-tag', { experiment_id: experimentId, key });
    },

    async createRun(input: CreateRunInput) {
      const tags: Record<string, string> = { ...input.tags };
      if (input.parentRunId) tags[parentRunTag] = input.parentRunId;
      if (input.heartbeatTimeoutMs !== undefined) tags[heartbeatTimeoutTag] = String(input.heartbeatTimeoutMs);
      const answer = await http.post('mlflow/runs/create', {
        experiment_id: input.experimentId,
        start_time: input.startTime ?? Date.now(),
        ...(input.name ? { run_name: input.name } : {}),
        ...(input.userId ? { user_id: input.userId } : {}),
        tags: toPairs(tags),
      });
      return parseRun(answer.run);
    },

    getRun,

    async updateRun(runId, input) {
      await http.post('mlflow/runs/update', {
        run_id: runId,
        ...(input.status ? { status: input.status } : {}),
        ...(input.endTime === undefined ? {} : { end_time: input.endTime }),
        ...(input.name ? { run_name: input.name } : {}),
      });
      // MLflow answers with the run's info only; the contract returns the whole run.
      return getRun(runId);
    },
    async deleteRun(runId) {
      await http.post('mlflow/runs/delete', { run_id: runId });
    },
    async restoreRun(runId) {
      await http.post('mlflow/runs/restore', { run_id: runId });
    },

    logBatch: postBatch,

    async deleteTag(runId, key) {
      await http.post('mlflow/runs/delete-tag', { run_id: runId, key });
    },
    async logInputs(runId, datasets) {
      await http.post('mlflow/runs/log-inputs', { run_id: runId, datasets: datasets.map(datasetInputJson) });
    },

    async getMetricHistory(runId, key, input = {}): Promise<TrackingPage<Metric>> {
      const answer = await http.get('mlflow/metrics/get-history', {
        run_id: runId,
        metric_key: key,
        max_results: input.maxResults,
        page_token: input.pageToken,
      });
      const items = Array.isArray(answer.metrics) ? answer.metrics.map(parseMetric) : [];
      return page(items, answer);
    },

    // MLflow's REST API has no reduced history: read each whole, reduce here (the same reduction).
    async summarizeMetricHistories(series, options) {
      assertSummaryInput(series, options);
      const summaries = [];
      for (const { runId, key } of series) {
        const points: Metric[] = [];
        let pageToken: string | undefined;
        do {
          const answer = await store.getMetricHistory(runId, key, pageToken ? { pageToken } : {});
          for (const point of answer.items) points.push(point);
          pageToken = answer.nextPageToken;
        } while (pageToken);
        if (points.length === 0) await getRun(runId); // NOT_FOUND for an unknown run, as the SQL store
        summaries.push({ runId, key, ...summarizePoints(points, options.buckets) });
      }
      return summaries;
    },

    async searchRuns(input) {
      const answer = await http.post('mlflow/runs/search', {
        experiment_ids: input.experimentIds,
        run_view_type: input.viewType ?? 'ACTIVE_ONLY',
        max_results: input.maxResults ?? 1000,
        order_by: input.orderBy ?? [],
        ...(input.filter ? { filter: input.filter } : {}),
        ...(input.pageToken ? { page_token: input.pageToken } : {}),
      });
      const items = Array.isArray(answer.runs) ? answer.runs.map(parseRun) : [];
      return page(items, answer);
    },

    async logOutputs(runId, outputs) {
      await http.post('mlflow/runs/outputs', {
        run_id: runId,
        models: outputs.map((output) => ({ model_id: output.modelId, step: output.step })),
      });
    },

    // MLflow 3's logged models, sent as its Python client sends them (the id in the URL, and in the body where it puts it there too).
    async createLoggedModel(input) {
      // Checked here: over the wire an empty name reads as none, which the server would fill in.
      assertCreateLoggedModel(input);
      const answer = await http.post('mlflow/logged-models', {
        experiment_id: input.experimentId,
        ...(input.name === undefined ? {} : { name: input.name }),
        ...(input.modelType === undefined ? {} : { model_type: input.modelType }),
        ...(input.sourceRunId === undefined ? {} : { source_run_id: input.sourceRunId }),
        params: toPairs(input.params),
        tags: toPairs(input.tags),
      });
      return parseLoggedModel(answer.model);
    },
    getLoggedModel: async (modelId) => parseLoggedModel((await http.get(modelPath(modelId), {})).model),
    async finalizeLoggedModel(modelId, status) {
      return parseLoggedModel((await http.patch(modelPath(modelId), { model_id: modelId, status: loggedModelStatusJson(status) })).model);
    },
    async deleteLoggedModel(modelId) {
      await http.delete(modelPath(modelId), { model_id: modelId });
    },
    async setLoggedModelTags(modelId, tags) {
      await http.patch(`${modelPath(modelId)}/tags`, { tags: toPairs(tags) });
    },
    async deleteLoggedModelTag(modelId, key) {
      await http.delete(`${modelPath(modelId)}/tags/${encodeURIComponent(key)}`, {});
    },
    async logLoggedModelParams(modelId, params) {
      await http.post(`${modelPath(modelId)}/params`, { model_id: modelId, params });
    },
    async searchLoggedModels(input) {
      const answer = await http.post('mlflow/logged-models/search', {
        experiment_ids: input.experimentIds,
        ...(input.filter ? { filter: input.filter } : {}),
        datasets: (input.datasets ?? []).map((dataset) => ({
          dataset_name: dataset.datasetName,
          ...(dataset.datasetDigest ? { dataset_digest: dataset.datasetDigest } : {}),
        })),
        ...(input.maxResults === undefined ? {} : { max_results: input.maxResults }),
        order_by: (input.orderBy ?? []).map((order) => ({
          field_name: order.fieldName,
          ascending: order.ascending ?? true,
          ...(order.datasetName ? { dataset_name: order.datasetName } : {}),
          ...(order.datasetDigest ? { dataset_digest: order.datasetDigest } : {}),
        })),
        ...(input.pageToken ? { page_token: input.pageToken } : {}),
      });
      return page(Array.isArray(answer.models) ? answer.models.map(parseLoggedModel) : [], answer);
    },

    async heartbeat(runId) {
      if (heartbeats === false) return;
      try {
        await http.post(heartbeatEndpoint, { run_id: runId });
        heartbeats = true;
      } catch (error) {
        // A server without the route (MLflow's own) answers 404 without RESOURCE_DOES_NOT_EXIST.
        const mlflowCode = MlpError.isInstance(error) ? error.details?.mlflowErrorCode : undefined;
        if (MlpError.isInstance(error) && error.code === 'NOT_FOUND' && mlflowCode !== 'RESOURCE_DOES_NOT_EXIST') {
          heartbeats = false;
          return;
        }
        throw error;
      }
    },
  };
  return store;
}
