import { double, int64, invalidParameter, JsonStream, keyValue, message, repeated, string } from '@mlp/core/http';
import { assertDatasetInputs, assertInputTag, assertTrackingKey, type DatasetInput, type Metric, type TrackingPage } from '@mlp/tracking';
import { datasetContextTag, metricJson } from './mlflow-json.js';
import { runIdFields, runIdOf } from './run-fields.js';
import { jsonRoute, type RouteContext, type TrackingRoute } from './tracking-route.js';

/** MLflow's log-batch limits (`mlflow/utils/validation.py`). */
export const batchLimits = { metrics: 1000, params: 100, tags: 100, total: 1000 } as const;

function checkBatchLimit(what: string, limit: number, count: number): void {
  if (count > limit) {
    throw invalidParameter(
      `A batch logging request can contain at most ${limit} ${what}. Got ${count} ${what}. Please split up ${what} across multiple requests and try again.`,
    );
  }
}

const metricFields = {
  key: string.required(),
  value: double.required(),
  timestamp: int64.required(),
  step: int64.optional(),
  // MLflow 3: a point bound to a logged model, and the dataset it was measured on.
  model_id: string.optional(),
  dataset_name: string.optional(),
  dataset_digest: string.optional(),
};
type MetricInput = {
  key: string;
  value: number;
  timestamp: number;
  step?: number | undefined;
  model_id?: string | undefined;
  dataset_name?: string | undefined;
  dataset_digest?: string | undefined;
};
const toMetric = (metric: MetricInput): Metric => ({
  key: metric.key,
  value: metric.value,
  timestamp: metric.timestamp,
  step: metric.step ?? 0,
  ...(metric.model_id ? { modelId: metric.model_id } : {}),
  ...(metric.dataset_name ? { datasetName: metric.dataset_name } : {}),
  ...(metric.dataset_digest ? { datasetDigest: metric.dataset_digest } : {}),
});

const datasetSchema = message({
  tags: repeated(keyValue),
  dataset: message({
    name: string.required(),
    digest: string.required(),
    source_type: string.required(),
    source: string.required(),
    schema: string.optional(),
    profile: string.optional(),
  }),
});

/** History pages the server reads at a time when a client asks for all of it (MLflow's default). */
const historyPageSize = 10_000;

async function metricHistory(
  input: {
    run_id?: string | undefined;
    run_uuid?: string | undefined;
    metric_key: string;
    max_results?: number | undefined;
    page_token?: string | undefined;
  },
  { tracking }: RouteContext,
) {
  const runId = runIdOf(input);
  if (input.max_results !== undefined) {
    if (input.max_results < 1) throw invalidParameter(`max_results must be positive, got ${input.max_results}.`);
    const page = await tracking.getMetricHistory(runId, input.metric_key, {
      maxResults: input.max_results,
      ...(input.page_token ? { pageToken: input.page_token } : {}),
    });
    return { metrics: page.items.map(metricJson), ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}) };
  }
  // Without max_results MLflow answers with the whole history: stream it page by page so a million
  // points never sit in memory as one string. The first page is read first so errors get a status.
  const first = await tracking.getMetricHistory(runId, input.metric_key, {
    maxResults: historyPageSize,
    ...(input.page_token ? { pageToken: input.page_token } : {}),
  });
  async function* chunks(): AsyncGenerator<string> {
    yield '{"metrics":[';
    let page: TrackingPage<Metric> = first;
    let separator = '';
    for (;;) {
      if (page.items.length > 0) {
        yield separator + page.items.map((point) => JSON.stringify(metricJson(point))).join(',');
        separator = ',';
      }
      if (!page.nextPageToken) break;
      page = await tracking.getMetricHistory(runId, input.metric_key, { maxResults: historyPageSize, pageToken: page.nextPageToken });
    }
    yield ']}';
  }
  return new JsonStream(chunks());
}

export const loggingRoutes: TrackingRoute[] = [
  jsonRoute('POST', 'mlflow/runs/log-metric', 'write', message({ ...runIdFields, ...metricFields }), async (input, { tracking }) => {
    await tracking.logBatch(runIdOf(input), { metrics: [toMetric(input)] });
    return {};
  }),
  jsonRoute(
    'POST',
    'mlflow/runs/log-parameter',
    'write',
    message({ ...runIdFields, key: string.required(), value: string.optional() }),
    async (input, { tracking }) => {
      await tracking.logBatch(runIdOf(input), { params: [{ key: input.key, value: input.value ?? '' }] });
      return {};
    },
  ),
  jsonRoute(
    'POST',
    'mlflow/runs/set-tag',
    'write',
    message({ ...runIdFields, key: string.required(), value: string.optional() }),
    async (input, { tracking }) => {
      await tracking.logBatch(runIdOf(input), { tags: [{ key: input.key, value: input.value ?? '' }] });
      return {};
    },
  ),
  jsonRoute('POST', 'mlflow/runs/delete-tag', 'write', message({ ...runIdFields, key: string.required() }), async (input, { tracking }) => {
    assertTrackingKey('tag', input.key);
    await tracking.deleteTag(runIdOf(input), input.key);
    return {};
  }),
  jsonRoute(
    'POST',
    'mlflow/runs/log-batch',
    'write',
    message({ run_id: string.required(), metrics: repeated(message(metricFields)), params: repeated(keyValue), tags: repeated(keyValue) }),
    async (input, { tracking }) => {
      // Checked here too, whatever the store enforces: these are the limits of MLflow's API.
      checkBatchLimit('metrics', batchLimits.metrics, input.metrics.length);
      checkBatchLimit('params', batchLimits.params, input.params.length);
      checkBatchLimit('tags', batchLimits.tags, input.tags.length);
      checkBatchLimit('metrics, params, and tags', batchLimits.total, input.metrics.length + input.params.length + input.tags.length);
      await tracking.logBatch(input.run_id, {
        metrics: input.metrics.map(toMetric),
        params: input.params.map((param) => ({ key: param.key, value: param.value ?? '' })),
        tags: input.tags.map((tag) => ({ key: tag.key, value: tag.value ?? '' })),
      });
      return {};
    },
  ),
  jsonRoute(
    'POST',
    'mlflow/runs/log-inputs',
    'write',
    message({ run_id: string.required(), datasets: repeated(datasetSchema) }),
    async (input, { tracking }) => {
      const datasets = input.datasets.map(({ tags, dataset }): DatasetInput => {
        for (const tag of tags) assertInputTag(tag.key, tag.value ?? '');
        const context = tags.find((tag) => tag.key === datasetContextTag)?.value;
        return {
          name: dataset.name,
          digest: dataset.digest,
          sourceType: dataset.source_type,
          source: dataset.source,
          ...(dataset.schema === undefined ? {} : { schema: dataset.schema }),
          ...(dataset.profile === undefined ? {} : { profile: dataset.profile }),
          ...(context === undefined ? {} : { context }),
        };
      });
      assertDatasetInputs(datasets);
      await tracking.logInputs(input.run_id, datasets);
      return {};
    },
  ),
  jsonRoute(
    'GET',
    'mlflow/metrics/get-history',
    'read',
    message({ ...runIdFields, metric_key: string.required(), max_results: int64.optional(), page_token: string.optional() }),
    metricHistory,
  ),
];
