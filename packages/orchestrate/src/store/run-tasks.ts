import type { Workspace } from '@mlp/core';
import type { TaskStatus } from '../run/run-types.js';
import type { AttemptError } from './task-store.js';

/** A task row with its latest attempt, as the engine loads a run to drive (or resume) it. */
export interface TaskRow {
  taskId: string;
  step: string;
  mapIndex: number;
  status: TaskStatus;
  attempts: number;
  notBefore: number | undefined;
  cached: boolean;
  startedTime: number | undefined;
  endedTime: number | undefined;
  error: AttemptError | undefined;
  /** The latest attempt's state, when there is one. */
  attempt:
    | { status: string; leaseOwner: string | undefined; leaseExpiresAt: number | undefined; error: AttemptError | undefined }
    | undefined;
}

interface Row extends Record<string, unknown> {
  task_id: string;
  step: string;
  map_index: number;
  status: TaskStatus;
  attempts: number;
  not_before: string | null;
  cached: boolean;
  started_time: string | null;
  ended_time: string | null;
  error: AttemptError | null;
  attempt_status: string | null;
  lease_owner: string | null;
  lease_expires_at: string | null;
  attempt_error: AttemptError | null;
}

const num = (value: string | null) => (value === null ? undefined : Number(value));

/** Every task of a run in step order then item order, each with its latest attempt. */
export async function loadRunTasks(workspace: Workspace, runId: string): Promise<TaskRow[]> {
  const rows = await workspace.db.query<Row>(
    `select t.task_id, t.step, t.map_index, t.status, t.attempts, t.not_before, t.cached, t.started_time, t.ended_time, t.error,
            a.status as attempt_status, a.lease_owner, a.lease_expires_at, a.error as attempt_error
       from orchestrate_tasks t
       left join orchestrate_attempts a on a.task_id = t.task_id and a.attempt = t.attempts
      where t.run_id = $1
      order by t.position, t.map_index`,
    [runId],
  );
  return rows.map((row) => ({
    taskId: row.task_id,
    step: row.step,
    mapIndex: row.map_index,
    status: row.status,
    attempts: row.attempts,
    notBefore: num(row.not_before),
    cached: row.cached,
    startedTime: num(row.started_time),
    endedTime: num(row.ended_time),
    error: row.error ?? undefined,
    attempt:
      row.attempt_status === null
        ? undefined
        : {
            status: row.attempt_status,
            leaseOwner: row.lease_owner ?? undefined,
            leaseExpiresAt: num(row.lease_expires_at),
            error: row.attempt_error ?? undefined,
          },
  }));
}
