import type { Workspace } from '@mlp/core';

export interface LogLine {
  id: number;
  taskId: string;
  step: string;
  mapIndex: number | undefined;
  attempt: number;
  time: number;
  level: string;
  message: string;
}

export interface ReadLogsOptions {
  /** A step name or a task id. */
  task?: string;
  /** Only lines after this id (to follow). */
  afterId?: number;
  limit?: number;
}

/** A run's stored log lines in order, optionally of one step or task. */
export async function readRunLogs(workspace: Workspace, runId: string, options: ReadLogsOptions = {}): Promise<LogLine[]> {
  const rows = await workspace.db.query<Record<string, unknown>>(
    `select l.id, l.task_id, t.step, t.map_index, l.attempt, l.time, l.level, l.message
       from orchestrate_logs l join orchestrate_tasks t on t.task_id = l.task_id
      where l.run_id = $1 and l.id > $2 and ($3::text is null or t.step = $3 or l.task_id = $3)
      order by l.id limit $4`,
    [runId, options.afterId ?? 0, options.task ?? null, options.limit ?? 10_000],
  );
  return rows.map((row) => ({
    id: Number(row.id),
    taskId: row.task_id as string,
    step: row.step as string,
    mapIndex: Number(row.map_index) < 0 ? undefined : Number(row.map_index),
    attempt: Number(row.attempt),
    time: Number(row.time),
    level: row.level as string,
    message: row.message as string,
  }));
}
