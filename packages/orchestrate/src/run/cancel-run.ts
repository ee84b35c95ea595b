import type { Workspace } from '@mlp/core';
import { sql } from 'drizzle-orm';
import { claimRun, finishRun, getRun, requestCancel } from '../store/run-store.js';
import { loadRunTasks } from '../store/run-tasks.js';
import { setTaskStatuses } from '../store/task-store.js';
import { drivenRuns } from './engine-slots.js';
import { type PipelineRunStatus, terminalRunStatuses, terminalTaskStatuses } from './run-types.js';
import { ensureOrchestrateTables, newOwnerId } from './start-run.js';

/**
 * Cancels a run: the engine driving it (here at once, elsewhere at its next heartbeat) aborts its
 * running tasks and ends the rest as cancelled. A run whose engine is gone is ended here directly.
 * Returns the run's status after the request (a run already ended keeps its status).
 */
export async function cancelRun(workspace: Workspace, runId: string): Promise<PipelineRunStatus> {
  await ensureOrchestrateTables(workspace);
  const run = await requestCancel(workspace, runId);
  if (terminalRunStatuses.includes(run.status)) return run.status;
  const local = drivenRuns.get(runId);
  if (local) {
    local.abort();
    return 'running';
  }
  const owner = newOwnerId();
  if (!(await claimRun(workspace, runId, owner, 10_000, Date.now()))) return 'running';
  const now = Date.now();
  const open = (await loadRunTasks(workspace, runId)).filter((task) => !terminalTaskStatuses.includes(task.status));
  await workspace.db.transaction(async (tx) => {
    await tx.execute(
      sql`update orchestrate_attempts set status = 'cancelled', ended_time = ${now} where run_id = ${runId} and status = 'running'`,
    );
    await setTaskStatuses(
      tx,
      open.map((task) => task.taskId),
      'cancelled',
      now,
    );
  });
  await finishRun(workspace, runId, run.pipelineName, 'cancelled', 'cancelled', now);
  return (await getRun(workspace, runId)).status;
}
