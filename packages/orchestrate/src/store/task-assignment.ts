import { MlpError, type Workspace } from '@mlp/core';
import type { TaskAssignment } from '../executor/executor.js';

/** The assignment of an attempt, rebuilt from the store: what `mlp pipeline exec-task` runs in a Job or a remote process. */
export async function loadTaskAssignment(workspace: Workspace, runId: string, taskId: string, attempt: number): Promise<TaskAssignment> {
  const rows = await workspace.db.query<{
    pipeline_name: string;
    module_path: string;
    source_hash: string;
    step: string;
    map_index: number;
  }>(
    `select r.pipeline_name, r.module_path, r.source_hash, t.step, t.map_index
       from orchestrate_tasks t join orchestrate_runs r on r.run_id = t.run_id
      where t.task_id = $1 and t.run_id = $2`,
    [taskId, runId],
  );
  const row = rows[0];
  if (!row) throw new MlpError('NOT_FOUND', `run '${runId}' has no task '${taskId}'; see its tasks with \`mlp pipeline show ${runId}\`.`);
  if (row.module_path === '')
    throw new MlpError(
      'FAILED_PRECONDITION',
      `pipeline '${row.pipeline_name}' was defined in memory, not in a module: its tasks run in the process that started it.`,
    );
  return {
    runId,
    taskId,
    attempt,
    pipeline: { name: row.pipeline_name, modulePath: row.module_path, sourceHash: row.source_hash },
    step: row.step,
    ...(row.map_index >= 0 ? { mapIndex: row.map_index } : {}),
  };
}
