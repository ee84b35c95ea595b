import { type DbExecutor, mlpEvents, mlpEventsChannel, type Workspace } from '@mlp/core';
import { sql } from 'drizzle-orm';
import type { TaskStatus } from '../run/run-types.js';
import { copyOutput } from './output-store.js';

export interface TaskRef {
  runId: string;
  taskId: string;
  step: string;
  mapIndex: number;
  pipeline: string;
}

export interface AttemptError {
  message: string;
  stack?: string;
  code?: string;
}

/**
 * A CTE that turns off the wait for the WAL flush at this transaction's commit: a task's bookkeeping
 * stays atomic and crash-consistent, and the run's final (synchronous) commit flushes it all. Power
 * lost in between can only forget the last transitions, so a task runs again: at least once, as after a kill.
 */
export const asyncCommit = sql.raw(`async_commit as (select set_config('synchronous_commit', 'off', true))`);

/** A CTE `event` inserting one outbox event per row of CTE `from` (see `mlpEvents` of @mlp/core); notify with `notifyEvent`. */
export const eventInsert = (type: string, payload: Record<string, unknown>, from: string) =>
  sql`event as (insert into ${mlpEvents} (type, payload) select ${type}, ${JSON.stringify(payload)}::jsonb from ${sql.raw(from)} returning type)`;

/** Wakes the event bus's subscribers for the rows of CTE `event`, as `events.publish` does. */
export const notifyEvent = sql`pg_notify(${mlpEventsChannel}, event.type)`;

export const eventPayload = (task: TaskRef, extra: Record<string, unknown> = {}) => ({
  run_id: task.runId,
  task_id: task.taskId,
  pipeline: task.pipeline,
  step: task.step,
  map_index: task.mapIndex < 0 ? null : task.mapIndex,
  ...extra,
});

/**
 * Starts attempt `attempt` of a task: the task becomes running with the attempt as its fence (so an
 * older attempt can no longer write), and the attempt row carries the lease of whoever runs it.
 */
export async function startAttempt(
  workspace: Workspace,
  task: TaskRef,
  attempt: { number: number; executor: string; owner: string; leaseMs: number; cacheKey: string | undefined; now: number },
): Promise<void> {
  await workspace.db.drizzle.execute(sql`with ${asyncCommit}, task as (
        update orchestrate_tasks set status = 'running', attempts = ${attempt.number}, fence = ${attempt.number},
          started_time = coalesce(started_time, ${attempt.now}), cache_key = ${attempt.cacheKey ?? null}, error = null, not_before = null
        where task_id = ${task.taskId} returning task_id),
      started as (
        insert into orchestrate_attempts (task_id, attempt, run_id, status, executor, lease_owner, lease_expires_at, fence, started_time)
        select task.task_id, ${attempt.number}, ${task.runId}, 'running', ${attempt.executor}, ${attempt.owner},
          ${attempt.now + attempt.leaseMs}, ${attempt.number}, ${attempt.now}
        from task returning task_id),
      ${eventInsert('task.started', eventPayload(task, { attempt: attempt.number }), 'started')}
    select ${notifyEvent} from event, async_commit`);
}

/**
 * Ends a task's current attempt and moves the task on: succeeded, failed, up_for_retry (with the
 * time it may start again) or cancelled. An attempt already ended by its executor keeps its status.
 */
export async function finishAttempt(
  workspace: Workspace,
  task: TaskRef,
  result: {
    attempt: number;
    status: 'succeeded' | 'failed' | 'up_for_retry' | 'cancelled';
    error?: AttemptError;
    notBefore?: number;
    now: number;
  },
): Promise<void> {
  const attemptStatus = result.status === 'up_for_retry' ? 'failed' : result.status;
  const error = result.error ? JSON.stringify(result.error) : null;
  const ended = result.status === 'up_for_retry' ? null : result.now;
  const type =
    result.status === 'succeeded'
      ? 'task.succeeded'
      : result.status === 'up_for_retry'
        ? 'task.retrying'
        : result.status === 'failed'
          ? 'task.failed'
          : 'task.cancelled';
  const payload = eventPayload(task, { attempt: result.attempt, error: result.error?.message ?? null, retry_at: result.notBefore ?? null });
  await workspace.db.drizzle.execute(sql`with ${asyncCommit}, attempt as (
        update orchestrate_attempts set status = ${attemptStatus}, error = ${error}::jsonb, ended_time = ${result.now}
        where task_id = ${task.taskId} and attempt = ${result.attempt} and status = 'running'),
      task as (
        update orchestrate_tasks set status = ${result.status}, error = ${error}::jsonb, ended_time = ${ended}, not_before = ${result.notBefore ?? null}
        where task_id = ${task.taskId} and fence = ${result.attempt} returning task_id),
      ${eventInsert(type, payload, 'task')}
    select ${notifyEvent} from event, async_commit`);
}

/** A task served from the cache: the earlier output is copied and the task succeeds without an attempt. */
export async function succeedFromCache(
  workspace: Workspace,
  task: TaskRef,
  fromTaskId: string,
  cacheKey: string,
  now: number,
): Promise<void> {
  await workspace.db.transaction(async (tx) => {
    await copyOutput(tx, fromTaskId, task.taskId, task.runId, now);
    await tx.execute(sql`update orchestrate_tasks set status = 'succeeded', cached = true, cache_key = ${cacheKey},
        started_time = ${now}, ended_time = ${now}, error = null
      where task_id = ${task.taskId}`);
    await workspace.events.publish('task.succeeded', eventPayload(task, { attempt: null, cached: true }), { tx });
  });
}

/** Sets tasks that never ran (skipped, upstream_failed, cancelled) or a map step's own state, in one statement. */
export async function setTaskStatuses(
  executor: DbExecutor,
  taskIds: readonly string[],
  status: TaskStatus,
  now: number,
  error?: AttemptError,
): Promise<void> {
  if (taskIds.length === 0) return;
  const terminal = status !== 'running' && status !== 'pending';
  await executor.execute(sql`update orchestrate_tasks set status = ${status}, error = ${error ? JSON.stringify(error) : null}::jsonb,
      started_time = case when ${status} = 'running' then coalesce(started_time, ${now}) else started_time end,
      ended_time = ${terminal ? now : null}
    where task_id in (select jsonb_array_elements_text(${JSON.stringify(taskIds)}::jsonb))`);
}

/** Creates the item tasks of a map step (`count` of them) and marks the step running. */
export async function expandMapStep(
  workspace: Workspace,
  runId: string,
  step: string,
  parentTaskId: string,
  count: number,
  now: number,
): Promise<string[]> {
  const ids = Array.from({ length: count }, (_, index) => taskIdOf(runId, step, index));
  await workspace.db.transaction(async (tx) => {
    if (count > 0)
      await tx.execute(sql`insert into orchestrate_tasks (task_id, run_id, step, map_index, position, status)
        select id, ${runId}, ${step}, ordinality - 1, (select position from orchestrate_tasks where task_id = ${parentTaskId}), 'pending'
          from jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb) with ordinality as item(id, ordinality)
        on conflict (task_id) do nothing`);
    await setTaskStatuses(tx, [parentTaskId], 'running', now);
  });
  return ids;
}

/** The id of a task: the run, the step and, for a map item, its index. */
export function taskIdOf(runId: string, step: string, mapIndex = -1): string {
  return mapIndex < 0 ? `${runId}:${step}` : `${runId}:${step}:${mapIndex}`;
}
