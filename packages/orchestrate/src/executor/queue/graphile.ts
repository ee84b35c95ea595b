import { MlpError, type Workspace } from '@mlp/core';
import type { WorkerUtils } from 'graphile-worker';

type Graphile = typeof import('graphile-worker');

/** graphile-worker, loaded on first use so the local executor never pays for it. */
export async function loadGraphile(): Promise<Graphile> {
  const module = (await import('graphile-worker')) as Graphile & { default?: Graphile };
  return module.default ?? module;
}

/** Silences graphile-worker's own logging below warnings; ours says what matters. */
export function graphileLogger(graphile: Graphile, workspace: Workspace) {
  return new graphile.Logger((scope) => (level, message, meta) => {
    if (level === 'error') workspace.logger.error({ ...scope, ...meta }, `job queue: ${message}`);
    else if (level === 'warning') workspace.logger.warn({ ...scope, ...meta }, `job queue: ${message}`);
  });
}

/**
 * The job queue on the workspace's own database: its tables (schema `graphile_worker`) are created
 * or upgraded on first use.
 */
export async function openGraphile(workspace: Workspace): Promise<{ graphile: Graphile; utils: WorkerUtils; release(): Promise<void> }> {
  const graphile = await loadGraphile();
  let utils: WorkerUtils;
  try {
    await migrateQueueSchema(workspace, graphile);
    utils = await graphile.makeWorkerUtils({ pgPool: workspace.db.pool, logger: graphileLogger(graphile, workspace) });
  } catch (error) {
    throw new MlpError('UNAVAILABLE', `could not set up the job queue in the workspace database: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return {
    graphile,
    utils,
    release: async () => {
      await utils.release();
    },
  };
}

/** Any constant of our own: the session-level lock that serialises graphile-worker's migrations. */
const QUEUE_MIGRATION_LOCK_KEY = 0x6d6c_7071; // 'mlpq'

/**
 * Creates or upgrades the queue's schema. graphile-worker's own migration lock lives inside that
 * schema, so two processes setting up a fresh database at once (two `mlp worker`s) both try to create
 * it and one fails; a lock of ours, outside it, makes the second wait and find the schema in place.
 * Call it before `makeWorkerUtils` or `run`, which would otherwise migrate unguarded.
 */
export async function migrateQueueSchema(workspace: Workspace, graphile: Graphile): Promise<void> {
  const client = await workspace.db.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [QUEUE_MIGRATION_LOCK_KEY]);
    try {
      await graphile.runMigrations({ pgPool: workspace.db.pool, logger: graphileLogger(graphile, workspace) });
    } finally {
      await client.query('select pg_advisory_unlock($1)', [QUEUE_MIGRATION_LOCK_KEY]).catch(() => {});
    }
  } finally {
    client.release();
  }
}
