import { int64, invalidParameter, keyValue, message, repeated, string } from '@mlp/core/http';
import { assertCreateRun, assertUpdateRun, type CreateRunInput, type UpdateRunInput } from '@mlp/tracking';
import type { z } from 'zod';
import { checkMaxResults } from './experiment-routes.js';
import { logModelRoute } from './log-model-route.js';
import { runInfoJson, runJson } from './mlflow-json.js';
import { runIdFields, runIdOf, runStatus, viewType } from './run-fields.js';
import { jsonRoute, type RouteContext, type TrackingRoute } from './tracking-route.js';

/** MLflow marks a nested run with this tag; mlp keeps the parent as a column too. */
const parentRunTag = 'mlflow.parentRunId';
/**
 * mlp's client sets this tag on runs/create when its process heartbeats; the server turns it into the
 * store's heartbeat timeout (MLflow's API has no field for it, and other servers just keep the tag).
 */
export const heartbeatTimeoutTag = 'mlp.heartbeat_timeout_ms';

const createSchema = message({
  experiment_id: string.optional(),
  user_id: string.optional(),
  run_name: string.optional(),
  start_time: int64.optional(),
  tags: repeated(keyValue),
});

function createRunInput(input: z.output<typeof createSchema>): CreateRunInput {
  const tags: Record<string, string> = {};
  for (const tag of input.tags) tags[tag.key] = tag.value ?? '';
  const parentRunId = tags[parentRunTag];
  const timeout = tags[heartbeatTimeoutTag];
  delete tags[heartbeatTimeoutTag];
  if (timeout !== undefined && !/^[1-9]\d{0,9}$/.test(timeout)) {
    throw invalidParameter(`The tag ${heartbeatTimeoutTag} must be a positive number of milliseconds, got ${JSON.stringify(timeout)}.`);
  }
  const run: CreateRunInput = {
    // MLflow's clients always send it; the Default experiment is the natural fallback.
    experimentId: input.experiment_id || '0',
    tags,
    ...(input.run_name ? { name: input.run_name } : {}),
    ...(input.user_id ? { userId: input.user_id } : {}),
    ...(input.start_time === undefined ? {} : { startTime: input.start_time }),
    ...(parentRunId ? { parentRunId } : {}),
    ...(timeout === undefined ? {} : { heartbeatTimeoutMs: Number(timeout) }),
  };
  assertCreateRun(run);
  return run;
}

const searchSchema = message({
  experiment_ids: repeated(string.required()),
  filter: string.optional(),
  run_view_type: viewType.optional(),
  max_results: int64.optional(),
  order_by: repeated(string.required()),
  page_token: string.optional(),
});

async function searchRuns(input: z.output<typeof searchSchema>, { tracking, signal, statementTimeoutMs }: RouteContext) {
  const page = await tracking.searchRuns({
    signal,
    statementTimeoutMs,
    experimentIds: input.experiment_ids,
    maxResults: checkMaxResults(input.max_results),
    viewType: input.run_view_type ?? 'ACTIVE_ONLY',
    orderBy: input.order_by,
    ...(input.filter ? { filter: input.filter } : {}),
    ...(input.page_token ? { pageToken: input.page_token } : {}),
  });
  return { runs: page.items.map(runJson), ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}) };
}

const runId = message(runIdFields);

export const runRoutes: TrackingRoute[] = [
  jsonRoute('POST', 'mlflow/runs/create', 'write', createSchema, async (input, { tracking }) => ({
    run: runJson(await tracking.createRun(createRunInput(input))),
  })),
  jsonRoute('GET', 'mlflow/runs/get', 'read', runId, async (input, { tracking }) => ({
    run: runJson(await tracking.getRun(runIdOf(input))),
  })),
  jsonRoute(
    'POST',
    'mlflow/runs/update',
    'write',
    message({ ...runIdFields, status: runStatus.optional(), end_time: int64.optional(), run_name: string.optional() }),
    async (input, { tracking }) => {
      const update: UpdateRunInput = {
        ...(input.status ? { status: input.status } : {}),
        ...(input.end_time === undefined ? {} : { endTime: input.end_time }),
        ...(input.run_name ? { name: input.run_name } : {}),
      };
      assertUpdateRun(update);
      return { run_info: runInfoJson(await tracking.updateRun(runIdOf(input), update)) };
    },
  ),
  jsonRoute('POST', 'mlflow/runs/delete', 'write', runId, async (input, { tracking }) => {
    await tracking.deleteRun(runIdOf(input));
    return {};
  }),
  jsonRoute('POST', 'mlflow/runs/restore', 'write', runId, async (input, { tracking }) => {
    await tracking.restoreRun(runIdOf(input));
    return {};
  }),
  jsonRoute('POST', 'mlflow/runs/search', 'read', searchSchema, searchRuns),
  logModelRoute,
  // mlp's own route (MLflow has none): a logging process's sign of life, so a crashed run gets failed.
  jsonRoute('POST', 'mlp/runs/heartbeat', 'write', runId, async (input, { tracking }) => {
    await tracking.heartbeat(runIdOf(input));
    return {};
  }),
];
