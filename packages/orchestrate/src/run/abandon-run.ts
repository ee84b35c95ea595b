import type { Workspace } from '@mlp/core';
import { sql } from 'drizzle-orm';
import { claimRun, finishRun, getRun } from '../store/run-store.js';
import { loadRunTasks } from '../store/run-tasks.js';
import { setTaskStatuses } from '../store/task-store.js';
import { terminalTaskStatuses } from './run-types.js';
import { newOwnerId } from './start-run.js';

/**
 * Ends a run whose engine is gone without resuming it: its running attempts and tasks fail with
 * `reason`, the tasks that never started are cancelled, the run fails. `mlp pipeline retry` (retryRun)
 * still resumes it later, reusing what succeeded. False when another engine holds or took the run.
 */
export async function abandonRun(workspace: Workspace, runId: string, reason: string, takeOverFrom?: string): Promise<boolean> {
  const owner = newOwnerId();
  if (!(await claimRun(workspace, runId, owner, 10_000, Date.now(), takeOverFrom))) return false;
  const run = await getRun(workspace, runId);
  const now = Date.now();
  const open = (await loadRunTasks(workspace, runId)).filter((task) => !terminalTaskStatuses.includes(task.status));
  const error = { message: reason, code: 'UNAVAILABLE' };
  await workspace.db.transaction(async (tx) => {
    await tx.execute(sql`update orchestrate_attempts set status = 'failed', error = ${JSON.stringify(error)}::jsonb, ended_time = ${now}
      where run_id = ${runId} and status = 'running'`);
    const running = open.filter((task) => task.status === 'running').map((task) => task.taskId);
    await setTaskStatuses(tx, running, 'failed', now, error);
    const waiting = open.filter((task) => task.status !== 'running').map((task) => task.taskId);
    await setTaskStatuses(tx, waiting, 'cancelled', now);
  });
  await finishRun(workspace, runId, run.pipelineName, 'failed', reason, now);
  return true;
}
