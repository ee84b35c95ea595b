import { MlpError } from '@mlp/core';
import { int64, invalidParameter, message, repeated, string } from '@mlp/core/http';
import type { TrackingStore } from '@mlp/tracking';
import { z } from 'zod';
import { listFolder } from '../mlflow/artifact-listing.js';
import { artifactPathFromUrl, artifactRootKey, checkArtifactPath } from '../mlflow/artifact-paths.js';
import { sendArtifact } from '../mlflow/artifact-routes.js';
import { jsonRoute, rawRoute, type TrackingRoute } from '../mlflow/tracking-route.js';
import { chartSeries } from './metric-series-json.js';
import { runsById } from './runs-by-id.js';
import { uiOpenApi } from './ui-openapi.js';
import { experimentRow, runDetail, runRow } from './ui-run-json.js';

/** The most runs one runs-table page holds; the table asks for a small first page, then larger ones behind it. */
export const maxUiRunsPage = 5000;
const searchPage = 1000;

/** A page of the UI that shows when its package is served (`/api/ui/pages`). */
export interface UiPage {
  id: string;
  title: string;
  path: string;
}

async function runArtifactRoot(tracking: TrackingStore, runId: string) {
  const run = await tracking.getRun(runId);
  const rootKey = artifactRootKey(run.artifactUri);
  if (rootKey === undefined)
    throw new MlpError('FAILED_PRECONDITION', `Run ${runId} keeps its artifacts at ${run.artifactUri}, which this server does not serve.`);
  return rootKey;
}

/** The web UI's JSON API, mounted under `/api/` (paths `ui/...`) through the one route layer. */
export function createUiRoutes(pages: UiPage[]): TrackingRoute[] {
  return [
    jsonRoute('GET', 'ui/openapi.json', 'public', message({}), async () => uiOpenApi),
    jsonRoute('GET', 'ui/pages', 'read', message({}), async () => ({ pages })),
    jsonRoute('GET', 'ui/experiments', 'read', message({}), async (_input, { tracking }) => {
      const experiments = [];
      let pageToken: string | undefined;
      do {
        const page = await tracking.searchExperiments({ maxResults: searchPage, ...(pageToken ? { pageToken } : {}) });
        experiments.push(...page.items.map(experimentRow));
        pageToken = page.nextPageToken;
      } while (pageToken);
      return { experiments };
    }),
    jsonRoute(
      'GET',
      'ui/experiments/{experiment_id}',
      'read',
      message({ experiment_id: string.required() }),
      async (input, { tracking }) => ({
        experiment: experimentRow(await tracking.getExperiment(input.experiment_id)),
      }),
    ),
    jsonRoute(
      'GET',
      'ui/experiments/{experiment_id}/runs',
      'read',
      message({
        experiment_id: string.required(),
        filter: string.optional(),
        order_by: string.optional(),
        max_results: int64.optional(),
        page_token: string.optional(),
      }),
      async (input, { tracking, signal, statementTimeoutMs }) => {
        const maxResults = input.max_results ?? searchPage;
        if (maxResults < 1 || maxResults > maxUiRunsPage) throw invalidParameter(`max_results must be from 1 to ${maxUiRunsPage}.`);
        const page = await tracking.searchRuns({
          experimentIds: [input.experiment_id],
          maxResults,
          ...(input.filter ? { filter: input.filter } : {}),
          ...(input.order_by ? { orderBy: [input.order_by] } : {}),
          ...(input.page_token ? { pageToken: input.page_token } : {}),
          withTotal: true,
          signal,
          statementTimeoutMs,
        });
        return { runs: page.items.map(runRow), next_page_token: page.nextPageToken ?? null, total: page.totalCount ?? null };
      },
    ),
    // Many runs by id in one request (the compare page).
    jsonRoute('GET', 'ui/runs', 'read', message({ run_id: repeated(z.string()) }), async (input, { tracking }) => {
      if (input.run_id.length === 0 || input.run_id.length > 1000) throw invalidParameter('Give from 1 to 1000 run_id values.');
      return { runs: (await runsById(tracking, input.run_id)).map(runDetail) };
    }),
    jsonRoute('GET', 'ui/runs/{run_id}', 'read', message({ run_id: string.required() }), async (input, { tracking }) => ({
      run: runDetail(await tracking.getRun(input.run_id)),
    })),
    jsonRoute(
      'GET',
      'ui/runs/{run_id}/metrics/{key}',
      'read',
      message({
        run_id: string.required(),
        key: string.required(),
        width: int64.optional(),
        x: z.enum(['step', 'time']).optional(),
      }),
      async (input, { tracking, signal }) => {
        const [series] = await chartSeries(tracking, [{ runId: input.run_id, key: input.key }], input.width, input.x, signal);
        const { run_id: _runId, ...history } = series as NonNullable<typeof series>;
        return history;
      },
    ),
    // Many runs × many metrics in one request (the compare page): every pair's history reduced.
    jsonRoute(
      'GET',
      'ui/metric-histories',
      'read',
      message({
        run_id: repeated(z.string()),
        key: repeated(z.string()),
        width: int64.optional(),
        x: z.enum(['step', 'time']).optional(),
        min_bucket_steps: int64.optional(),
      }),
      async (input, { tracking, signal }) => {
        if (input.run_id.length === 0 || input.run_id.length > 1000) throw invalidParameter('Give from 1 to 1000 run_id values.');
        if (input.key.length === 0) throw invalidParameter('Give at least one key (a metric name).');
        const series = input.run_id.flatMap((runId) => input.key.map((key) => ({ runId, key })));
        return { histories: await chartSeries(tracking, series, input.width, input.x, signal, input.min_bucket_steps) };
      },
    ),
    jsonRoute(
      'GET',
      'ui/runs/{run_id}/artifacts',
      'read',
      message({ run_id: string.required(), path: string.optional() }),
      async (input, { tracking, workspace }) => {
        const rootKey = await runArtifactRoot(tracking, input.run_id);
        const path = checkArtifactPath(input.path ?? '', true);
        const files = await listFolder(workspace.blobs, path === '' ? rootKey : `${rootKey}/${path}`, path === '' ? '' : `${path}/`);
        return { files };
      },
    ),
    rawRoute('GET', 'ui/runs/{run_id}/artifact/{path...}', 'read', async (_req, res, { tracking, workspace, params }) => {
      const rootKey = await runArtifactRoot(tracking, params.run_id ?? '');
      const path = artifactPathFromUrl(params.path ?? '');
      await sendArtifact(res, workspace.blobs, `${rootKey}/${path}`, path);
    }),
  ];
}
