import { MlpError, type Workspace } from '@mlp/core';
import { migrations } from '../generated/migrations.js';
import { mlflowBatchLimits } from '../validate-names.js';
import { createSqlExperiments } from './sql-experiments.js';
import { logBatch, logInputs } from './sql-log-batch.js';
import { createSqlRuns } from './sql-runs.js';
import { getMetricHistory, searchRuns } from './sql-search-runs.js';
import type { BatchLimits, TrackingStore } from './tracking-store.js';

export interface SqlTrackingStoreOptions {
  /** MLflow's per-request batch limits (for the REST API). The SDK turns them off for larger transactions. Default true. */
  enforceBatchLimits?: boolean;
}

/** What one SQL transaction takes comfortably. */
export const sqlBatchLimits: BatchLimits = { metrics: 20_000, params: 1000, tags: 1000, total: 20_000 };

/** The tracking store on the workspace database (embedded or PostgreSQL). Applies its migrations first. */
export async function createSqlTrackingStore(
  workspace: Pick<Workspace, 'db' | 'migrate'>,
  options: SqlTrackingStoreOptions = {},
): Promise<TrackingStore> {
  await workspace.migrate(migrations);
  const { db } = workspace;
  const experiments = createSqlExperiments(db);
  const runs = createSqlRuns(db);
  const batchLimits = options.enforceBatchLimits === false ? sqlBatchLimits : mlflowBatchLimits;
  return {
    kind: 'sql',
    batchLimits,
    ...experiments,
    ...runs,
    logBatch: (runId, batch) => logBatch(db, runId, batch, batchLimits),
    logInputs: (runId, datasets) => logInputs(db, runId, datasets),
    async deleteTag(runId, key) {
      await runs.getRun(runId);
      const deleted = await db.query('delete from tracking_tags where run_id = $1 and key = $2 returning key', [runId, key]);
      if (deleted.length === 0) throw new MlpError('NOT_FOUND', `Run ${runId} has no tag ${JSON.stringify(key)}.`);
    },
    getMetricHistory: (runId, key, input) => getMetricHistory(db, runId, key, input),
    searchRuns: (input) => searchRuns(db, input),
  };
}
