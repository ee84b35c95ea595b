import { bool, enumeration, int64, invalidParameter, keyValue, message, queryObject, repeated, requestHint, string } from '@mlp/core/http';
import type { LoggedModelOrder } from '@mlp/tracking';
import { loggedModelJson, loggedModelStatusOf } from '@mlp/tracking/mlflow';
import { listFolder } from './artifact-listing.js';
import { artifactRootKey, checkArtifactPath } from './artifact-paths.js';
import { sendArtifact } from './artifact-routes.js';
import { jsonRoute, rawRoute, type TrackingRoute } from './tracking-route.js';

/**
 * MLflow 3's logged models (`/mlflow/logged-models...`) and run outputs (`/mlflow/runs/outputs`),
 * what `mlflow.<flavor>.log_model` sends: create (PENDING), upload the artifacts to the model's
 * `artifact_uri`, record the run's output, finalize (READY or FAILED). The model id travels in the
 * path; MLflow's client also puts it in some bodies, and the path wins.
 */

const pairs = (list: { key: string; value?: string | undefined }[]) => Object.fromEntries(list.map((pair) => [pair.key, pair.value ?? '']));

// In proto order from 1: the position gives the enum number (0 is LOGGED_MODEL_STATUS_UNSPECIFIED).
const status = enumeration(['LOGGED_MODEL_PENDING', 'LOGGED_MODEL_READY', 'LOGGED_MODEL_UPLOAD_FAILED']);
const modelId = { model_id: string.required() };

const createSchema = message({
  experiment_id: string.required(),
  name: string.optional(),
  model_type: string.optional(),
  source_run_id: string.optional(),
  params: repeated(keyValue),
  tags: repeated(keyValue),
});

const searchSchema = message({
  experiment_ids: repeated(string.required()),
  filter: string.optional(),
  datasets: repeated(message({ dataset_name: string.required(), dataset_digest: string.optional() })),
  max_results: int64.optional(),
  order_by: repeated(
    message({
      field_name: string.required(),
      ascending: bool.optional(),
      dataset_name: string.optional(),
      dataset_digest: string.optional(),
    }),
  ),
  page_token: string.optional(),
});

/** MLflow's SearchLoggedModels takes at most this many per page. */
const searchMaxResultsLimit = 50_000;

export const loggedModelRoutes: TrackingRoute[] = [
  jsonRoute('POST', 'mlflow/logged-models', 'write', createSchema, async (input, { tracking }) => {
    const model = await tracking.createLoggedModel({
      experimentId: input.experiment_id,
      // MLflow reads an empty name as none (the backend names the model).
      ...(input.name ? { name: input.name } : {}),
      ...(input.model_type ? { modelType: input.model_type } : {}),
      ...(input.source_run_id ? { sourceRunId: input.source_run_id } : {}),
      params: pairs(input.params),
      tags: pairs(input.tags),
    });
    return { model: loggedModelJson(model) };
  }),

  jsonRoute('POST', 'mlflow/logged-models/search', 'read', searchSchema, async (input, { tracking }) => {
    const maxResults = input.max_results;
    if (maxResults !== undefined && (maxResults < 1 || maxResults > searchMaxResultsLimit)) {
      throw invalidParameter(
        `Invalid value for request parameter max_results. It must be between 1 and ${searchMaxResultsLimit}, but got value ${maxResults}.`,
      );
    }
    const page = await tracking.searchLoggedModels({
      experimentIds: input.experiment_ids,
      ...(input.filter ? { filter: input.filter } : {}),
      datasets: input.datasets.map((dataset) => ({
        datasetName: dataset.dataset_name,
        ...(dataset.dataset_digest ? { datasetDigest: dataset.dataset_digest } : {}),
      })),
      ...(maxResults === undefined ? {} : { maxResults }),
      orderBy: input.order_by.map(
        (order): LoggedModelOrder => ({
          fieldName: order.field_name,
          ascending: order.ascending ?? true,
          ...(order.dataset_name ? { datasetName: order.dataset_name } : {}),
          ...(order.dataset_digest ? { datasetDigest: order.dataset_digest } : {}),
        }),
      ),
      ...(input.page_token ? { pageToken: input.page_token } : {}),
    });
    return { models: page.items.map(loggedModelJson), ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}) };
  }),

  jsonRoute('GET', 'mlflow/logged-models/{model_id}', 'read', message(modelId), async (input, { tracking }) => ({
    model: loggedModelJson(await tracking.getLoggedModel(input.model_id)),
  })),

  jsonRoute(
    'PATCH',
    'mlflow/logged-models/{model_id}',
    'write',
    message({ ...modelId, status: status.required() }),
    async (input, { tracking }) => {
      const final = loggedModelStatusOf(input.status);
      if (final !== 'READY' && final !== 'FAILED') {
        throw invalidParameter(
          `Invalid value for parameter 'status': a logged model is finalized as LOGGED_MODEL_READY or LOGGED_MODEL_UPLOAD_FAILED, not ${input.status}.`,
        );
      }
      return { model: loggedModelJson(await tracking.finalizeLoggedModel(input.model_id, final)) };
    },
  ),

  jsonRoute('DELETE', 'mlflow/logged-models/{model_id}', 'write', message(modelId), async (input, { tracking }) => {
    await tracking.deleteLoggedModel(input.model_id);
    return {};
  }),

  jsonRoute(
    'PATCH',
    'mlflow/logged-models/{model_id}/tags',
    'write',
    message({ ...modelId, tags: repeated(keyValue) }),
    async (input, { tracking }) => {
      await tracking.setLoggedModelTags(input.model_id, pairs(input.tags));
      return {};
    },
  ),

  jsonRoute(
    'DELETE',
    'mlflow/logged-models/{model_id}/tags/{tag_key}',
    'write',
    message({ ...modelId, tag_key: string.required() }),
    async (input, { tracking }) => {
      await tracking.deleteLoggedModelTag(input.model_id, input.tag_key);
      return {};
    },
  ),

  jsonRoute(
    'POST',
    'mlflow/logged-models/{model_id}/params',
    'write',
    message({ ...modelId, params: repeated(keyValue) }),
    async (input, { tracking }) => {
      await tracking.logLoggedModelParams(
        input.model_id,
        input.params.map((param) => ({ key: param.key, value: param.value ?? '' })),
      );
      return {};
    },
  ),

  // MLflow's ListLoggedModelArtifacts: what the model's artifact root holds, paths relative to it.
  jsonRoute(
    'GET',
    'mlflow/logged-models/{model_id}/artifacts/directories',
    'read',
    message({ ...modelId, artifact_directory_path: string.optional(), page_token: string.optional() }),
    async (input, { tracking, workspace }) => {
      const model = await tracking.getLoggedModel(input.model_id);
      const rootKey = artifactRootKey(model.artifactLocation);
      if (rootKey === undefined) {
        throw invalidParameter(
          `Logged model ${model.modelId} keeps its artifacts at ${model.artifactLocation}, which this server does not serve; list them there.`,
        );
      }
      const path = checkArtifactPath(input.artifact_directory_path ?? '', true);
      const files = await listFolder(workspace.blobs, path === '' ? rootKey : `${rootKey}/${path}`, path === '' ? '' : `${path}/`);
      return { root_uri: model.artifactLocation, files };
    },
  ),

  // The MLflow UI's download of one file of a model (`artifact_file_path` relative to its artifact root).
  rawRoute('GET', 'mlflow/logged-models/{model_id}/artifacts/files', 'read', async (_req, res, { tracking, workspace, params }, query) => {
    const raw = queryObject(query).artifact_file_path;
    if (raw === undefined || raw === '') throw invalidParameter(`Missing value for required parameter 'artifact_file_path'.${requestHint}`);
    if (Array.isArray(raw)) throw invalidParameter("Give the parameter 'artifact_file_path' once.");
    const model = await tracking.getLoggedModel(params.model_id ?? '');
    const rootKey = artifactRootKey(model.artifactLocation);
    if (rootKey === undefined) {
      throw invalidParameter(
        `Logged model ${model.modelId} keeps its artifacts at ${model.artifactLocation}, which this server does not serve; download them there.`,
      );
    }
    const path = checkArtifactPath(raw, false);
    await sendArtifact(res, workspace.blobs, `${rootKey}/${path}`, path);
  }),

  jsonRoute(
    'POST',
    'mlflow/runs/outputs',
    'write',
    message({ run_id: string.required(), models: repeated(message({ model_id: string.required(), step: int64.required() })) }),
    async (input, { tracking }) => {
      await tracking.logOutputs(
        input.run_id,
        input.models.map((model) => ({ modelId: model.model_id, step: model.step })),
      );
      return {};
    },
  ),
];
