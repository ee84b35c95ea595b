import { MlpError } from '@mlp/core';
import { httpProblem, int64, invalidParameter, keyValue, message, repeated, string } from '@mlp/core/http';
import { assertCreateExperiment, assertExperimentName, assertExperimentTag, type CreateExperimentInput } from '@mlp/tracking';
import type { z } from 'zod';
import { experimentJson } from './mlflow-json.js';
import { viewType } from './run-fields.js';
import { jsonRoute, type RouteContext, type TrackingRoute } from './tracking-route.js';

/** MLflow's SEARCH_MAX_RESULTS_DEFAULT and _THRESHOLD. */
export const searchMaxResultsDefault = 1000;
export const searchMaxResultsLimit = 50_000;

export function checkMaxResults(value: number | undefined): number {
  const maxResults = value ?? searchMaxResultsDefault;
  if (maxResults < 1 || maxResults > searchMaxResultsLimit) {
    throw invalidParameter(
      `Invalid value for request parameter max_results. It must be between 1 and ${searchMaxResultsLimit}, but got value ${maxResults}.`,
    );
  }
  return maxResults;
}

const experimentId = { experiment_id: string.required() };

const searchSchema = message({
  max_results: int64.optional(),
  page_token: string.optional(),
  filter: string.optional(),
  order_by: repeated(string.required()),
  view_type: viewType.optional(),
});

async function searchExperiments(input: z.output<typeof searchSchema>, { tracking }: RouteContext) {
  const page = await tracking.searchExperiments({
    viewType: input.view_type ?? 'ACTIVE_ONLY',
    maxResults: checkMaxResults(input.max_results),
    orderBy: input.order_by,
    ...(input.filter ? { filter: input.filter } : {}),
    ...(input.page_token ? { pageToken: input.page_token } : {}),
  });
  return { experiments: page.items.map(experimentJson), ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}) };
}

export const experimentRoutes: TrackingRoute[] = [
  jsonRoute(
    'POST',
    'mlflow/experiments/create',
    'write',
    message({ name: string.required(), artifact_location: string.optional(), tags: repeated(keyValue) }),
    async (input, { tracking }) => {
      const create: CreateExperimentInput = {
        name: input.name,
        ...(input.artifact_location ? { artifactLocation: input.artifact_location } : {}),
        tags: Object.fromEntries(input.tags.map((tag) => [tag.key, tag.value ?? ''])),
      };
      assertCreateExperiment(create);
      const experiment = await tracking.createExperiment(create);
      return { experiment_id: experiment.experimentId };
    },
  ),
  jsonRoute('GET', 'mlflow/experiments/get', 'read', message(experimentId), async (input, { tracking }) => ({
    experiment: experimentJson(await tracking.getExperiment(input.experiment_id)),
  })),
  jsonRoute(
    'GET',
    'mlflow/experiments/get-by-name',
    'read',
    message({ experiment_name: string.required() }),
    async (input, { tracking }) => {
      const experiment = await tracking.getExperimentByName(input.experiment_name);
      if (!experiment) throw new MlpError('NOT_FOUND', `Could not find experiment with name '${input.experiment_name}'`);
      return { experiment: experimentJson(experiment) };
    },
  ),
  jsonRoute('GET', 'mlflow/experiments/search', 'read', searchSchema, searchExperiments),
  // A search reads, whatever its method: a read-only token may POST it.
  jsonRoute('POST', 'mlflow/experiments/search', 'read', searchSchema, searchExperiments),
  // MLflow 1.x's ListExperiments (gone in 2.0), still what older clients such as npm `mlflow` call.
  jsonRoute(
    'GET',
    'mlflow/experiments/list',
    'read',
    message({ view_type: viewType.optional(), max_results: int64.optional(), page_token: string.optional() }),
    async (input, context) => searchExperiments({ ...input, order_by: [], filter: undefined }, context),
  ),
  jsonRoute(
    'POST',
    'mlflow/experiments/update',
    'write',
    message({ ...experimentId, new_name: string.optional() }),
    async (input, { tracking }) => {
      if (input.new_name) {
        assertExperimentName(input.new_name);
        try {
          await tracking.renameExperiment(input.experiment_id, input.new_name);
        } catch (error) {
          // MLflow refuses renaming a deleted experiment with INVALID_STATE, which it sends as HTTP 500.
          if (MlpError.isInstance(error) && error.code === 'FAILED_PRECONDITION') {
            throw httpProblem('FAILED_PRECONDITION', error.message, { errorCode: 'INVALID_STATE' });
          }
          throw error;
        }
      } else await tracking.getExperiment(input.experiment_id);
      return {};
    },
  ),
  jsonRoute('POST', 'mlflow/experiments/delete', 'write', message(experimentId), async (input, { tracking }) => {
    await tracking.deleteExperiment(input.experiment_id);
    return {};
  }),
  jsonRoute('POST', 'mlflow/experiments/restore', 'write', message(experimentId), async (input, { tracking }) => {
    await tracking.restoreExperiment(input.experiment_id);
    return {};
  }),
  jsonRoute(
    'POST',
    'mlflow/experiments/set-experiment-tag',
    'write',
    message({ ...experimentId, key: string.required(), value: string.optional() }),
    async (input, { tracking }) => {
      assertExperimentTag(input.key, input.value ?? '');
      await tracking.setExperimentTag(input.experiment_id, input.key, input.value ?? '');
      return {};
    },
  ),
  jsonRoute(
    'POST',
    'mlflow/experiments/delete-experiment-tag',
    'write',
    message({ ...experimentId, key: string.required() }),
    async (input, { tracking }) => {
      await tracking.deleteExperimentTag(input.experiment_id, input.key);
      return {};
    },
  ),
];
