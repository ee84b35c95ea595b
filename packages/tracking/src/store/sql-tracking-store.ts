import { MlpError, type Workspace } from '@mlp/core';
import { migrations } from '../generated/migrations.js';
import { mlflowBatchLimits } from '../validate-names.js';
import { KnownSeries } from './known-series.js';
import { createSqlExperiments } from './sql-experiments.js';
import { logBatch, logInputs } from './sql-log-batch.js';
import { createSqlLoggedModels } from './sql-logged-models.js';
import { summarizeMetricHistories } from './sql-metric-summary.js';
import { createSqlRuns } from './sql-runs.js';
import { getMetricHistory, searchRuns } from './sql-search-runs.js';
import type { BatchLimits, TrackingStore } from './tracking-store.js';

export interface SqlTrackingStoreOptions {
  /** MLflow's per-request batch limits (for the REST API). The SDK turns them off for larger transactions. Default true. */
  enforceBatchLimits?: boolean;
  /**
   * Acknowledge logged batches before their commit reaches disk (`synchronous_commit = off`): about one
   * disk flush less per batch, but a crash of the database server or machine can lose the last batches
   * acknowledged within a fraction of a second. Default false, or `MLP_TRACKING_ASYNC_COMMIT=true`.
   */
  asyncCommit?: boolean;
  /** Where `MLP_TRACKING_ASYNC_COMMIT` is read from; `process.env` by default. */
  env?: Record<string, string | undefined>;
}

const asyncCommitEnvVariable = 'MLP_TRACKING_ASYNC_COMMIT';

function resolveAsyncCommit(options: SqlTrackingStoreOptions): boolean {
  if (options.asyncCommit !== undefined) return options.asyncCommit;
  const raw = (options.env ?? process.env)[asyncCommitEnvVariable]?.trim();
  if (raw === undefined || raw === '' || raw === 'false' || raw === '0') return false;
  if (raw === 'true' || raw === '1') return true;
  throw new MlpError(
    'INVALID_ARGUMENT',
    `${asyncCommitEnvVariable}=${JSON.stringify(raw)} is not valid: expected true or false. Fix or unset the variable.`,
    { details: { variable: asyncCommitEnvVariable } },
  );
}

/** What one SQL transaction takes comfortably. */
export const sqlBatchLimits: BatchLimits = { metrics: 20_000, params: 1000, tags: 1000, total: 20_000 };

/** Opens the tracking store on the workspace database (embedded or PostgreSQL), applying its migrations first. */
export async function openSqlTrackingStore(
  workspace: Pick<Workspace, 'db' | 'migrate'>,
  options: SqlTrackingStoreOptions = {},
): Promise<TrackingStore> {
  await workspace.migrate(migrations);
  const { db } = workspace;
  const experiments = createSqlExperiments(db);
  const runs = createSqlRuns(db);
  const batchLimits = options.enforceBatchLimits === false ? sqlBatchLimits : mlflowBatchLimits;
  const synchronousCommit = !resolveAsyncCommit(options);
  const known = new KnownSeries();
  return {
    kind: 'sql',
    batchLimits,
    ...experiments,
    ...runs,
    ...createSqlLoggedModels(db),
    logBatch: (runId, batch) => logBatch(db, runId, batch, batchLimits, { synchronousCommit }, known),
    logInputs: (runId, datasets) => logInputs(db, runId, datasets),
    async deleteTag(runId, key) {
      await runs.getRun(runId);
      const deleted = await db.query('delete from tracking_tags where run_id = $1 and key = $2 returning key', [runId, key]);
      if (deleted.length === 0) throw new MlpError('NOT_FOUND', `Run ${runId} has no tag ${JSON.stringify(key)}.`);
    },
    getMetricHistory: (runId, key, input) => getMetricHistory(db, runId, key, input),
    summarizeMetricHistories: (series, options) => summarizeMetricHistories(db, series, options),
    searchRuns: (input) => searchRuns(db, input),
  };
}

/** @deprecated renamed `openSqlTrackingStore`: it is async and applies migrations (`create*` factories are synchronous). */
export const createSqlTrackingStore = openSqlTrackingStore;
