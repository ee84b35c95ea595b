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
 * or upgraded on first use, under graphile-worker's own migration lock.
 */
export async function openGraphile(workspace: Workspace): Promise<{ graphile: Graphile; utils: WorkerUtils; release(): Promise<void> }> {
  const graphile = await loadGraphile();
  let utils: WorkerUtils;
  try {
    utils = await graphile.makeWorkerUtils({ pgPool: workspace.db.pool, logger: graphileLogger(graphile, workspace) });
    await utils.migrate();
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
