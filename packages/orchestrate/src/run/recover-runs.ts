import { MlpError, type Workspace } from '@mlp/core';
import { orphanedRuns } from '../store/run-store.js';
import { type RetryRunOptions, retryRun } from './retry-run.js';
import type { RunHandle } from './run-types.js';
import { ensureOrchestrateTables } from './start-run.js';

export interface RecoverRunsOptions extends Omit<RetryRunOptions, 'pipeline'> {
  /** Only runs of this pipeline. */
  pipeline?: string;
}

/**
 * Resumes the runs whose engine is gone (killed, machine lost): still running, claim expired. Each is
 * claimed by this process (two recovering processes never both drive one) and driven on; attempts
 * whose lease expired end failed and are retried if their step allows. Returns the resumed runs.
 */
export async function recoverRuns(workspace: Workspace, options: RecoverRunsOptions = {}): Promise<RunHandle[]> {
  await ensureOrchestrateTables(workspace);
  const { pipeline, ...retryOptions } = options;
  const handles: RunHandle[] = [];
  for (const runId of await orphanedRuns(workspace, Date.now(), pipeline)) {
    try {
      handles.push(await retryRun(workspace, runId, retryOptions));
    } catch (error) {
      // Another process claimed it first, or its module is gone: say so and go on with the others.
      if (!MlpError.isInstance(error)) throw error;
      workspace.logger.warn({ run: runId, err: error }, `could not resume pipeline run ${runId}: ${error.message}`);
    }
  }
  return handles;
}
