import { MlpError, type Workspace } from '@mlp/core';
import { orphanedRuns, runsClaimedOnHost } from '../store/run-store.js';
import { abandonRun } from './abandon-run.js';
import { isGoneLocalProcess, processHost } from './owner-liveness.js';
import { type RetryRunOptions, retryRun } from './retry-run.js';
import type { RunHandle } from './run-types.js';
import { ensureOrchestrateTables } from './start-run.js';

export interface RecoverRunsOptions extends Omit<RetryRunOptions, 'pipeline' | 'takeOverFrom'> {
  /** Only runs of this pipeline. */
  pipeline?: string;
  /**
   * End as failed the runs that cannot be resumed here (their module is gone or fails to load, or
   * the pipeline was defined in a script's memory), instead of leaving them running. Default false.
   */
  abandonUnresumable?: boolean;
}

/** A run whose engine is gone: its claim expired, or its process no longer exists on this machine (`takeOverFrom`). */
export interface GoneRun {
  runId: string;
  takeOverFrom?: string;
}

/** The runs whose engine is gone, oldest first: claim expired, or claimed by a process of this machine that no longer exists. */
export async function findGoneRuns(workspace: Workspace, pipeline?: string): Promise<GoneRun[]> {
  const expired = await orphanedRuns(workspace, Date.now(), pipeline);
  const found: GoneRun[] = expired.map((runId) => ({ runId }));
  for (const { runId, owner } of await runsClaimedOnHost(workspace, processHost(), pipeline))
    if (!expired.includes(runId) && isGoneLocalProcess(owner)) found.push({ runId, takeOverFrom: owner });
  return found;
}

/**
 * Resumes the runs whose engine is gone (killed, machine lost): still running, claim expired, or
 * claimed by a process of this machine that no longer exists. Each is claimed by this process (two
 * recovering processes never both drive one) and driven on; attempts whose lease expired end failed
 * and are retried if their step allows. Returns the resumed runs.
 */
export async function recoverRuns(workspace: Workspace, options: RecoverRunsOptions = {}): Promise<RunHandle[]> {
  await ensureOrchestrateTables(workspace);
  const { pipeline, abandonUnresumable, ...retryOptions } = options;
  const handles: RunHandle[] = [];
  for (const gone of await findGoneRuns(workspace, pipeline)) {
    try {
      handles.push(
        await retryRun(workspace, gone.runId, { ...retryOptions, ...(gone.takeOverFrom && { takeOverFrom: gone.takeOverFrom }) }),
      );
    } catch (error) {
      if (!MlpError.isInstance(error)) throw error;
      // Another process claimed it first: it is being resumed.
      if ((error.details as { reason?: string } | undefined)?.reason === 'claimed') continue;
      if (abandonUnresumable && error.code !== 'UNAVAILABLE') {
        const reason = `its engine is gone and it could not be resumed (${error.message}); \`mlp pipeline retry ${gone.runId}\` where its module loads resumes it`;
        if (await abandonRun(workspace, gone.runId, reason, gone.takeOverFrom))
          workspace.logger.warn({ run: gone.runId }, `pipeline run ${gone.runId} ended as failed: ${reason}`);
        continue;
      }
      workspace.logger.warn({ run: gone.runId, err: error }, `could not resume pipeline run ${gone.runId}: ${error.message}`);
    }
  }
  return handles;
}
