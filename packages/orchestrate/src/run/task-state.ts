import { backoffDelay, MlpError } from '@mlp/core';
import type { TaskAssignment, TaskOutcome } from '../executor/executor.js';
import type { PipelineRef, StepDefinition } from '../pipeline/pipeline-types.js';
import type { TaskRow } from '../store/run-tasks.js';
import type { AttemptError, TaskRef } from '../store/task-store.js';
import { isGoneLocalProcess } from './owner-liveness.js';

/** A task as an engine tracks it while driving a run. */
export interface TaskState {
  row: TaskRow;
  step: StepDefinition;
  ref: TaskRef;
  /** Attempts made before this round (a retried run starts a new round of retries). */
  budgetBase: number;
}

/** An attempt this engine started and waits on. */
export interface RunningAttempt {
  state: TaskState;
  attempt: number;
  controller: AbortController;
  timedOut: boolean;
  startedAt: number;
  poolName: string | undefined;
}

/** The engine's state of a task row; FAILED_PRECONDITION when the pipeline no longer has its step. */
export function taskStateOf(row: TaskRow, steps: ReadonlyMap<string, StepDefinition>, runId: string, pipeline: string): TaskState {
  const step = steps.get(row.step);
  if (!step)
    throw new MlpError(
      'FAILED_PRECONDITION',
      `run '${runId}' has a task for step '${row.step}', which pipeline '${pipeline}' no longer has.`,
    );
  const base =
    row.status === 'pending' ? row.attempts : Math.floor(Math.max(0, row.attempts - 1) / (step.retries + 1)) * (step.retries + 1);
  return { row, step, ref: { runId, taskId: row.taskId, step: row.step, mapIndex: row.mapIndex, pipeline }, budgetBase: base };
}

/** A fresh pending row for item `index` of a map step just expanded. */
export function pendingItemRow(taskId: string, step: string, index: number): TaskRow {
  return {
    taskId,
    step,
    mapIndex: index,
    status: 'pending',
    attempts: 0,
    notBefore: undefined,
    cached: false,
    startedTime: undefined,
    endedTime: undefined,
    error: undefined,
    attempt: undefined,
  };
}

/**
 * What became of a task found running when a run was resumed: its row ended meanwhile, its attempt
 * ended (succeeded or failed) without the task being updated, its process is gone (no attempt, its
 * lease expired, or its process no longer exists on this machine), or it is still live elsewhere.
 */
export function resumedTaskVerdict(
  row: TaskRow | undefined,
  owner: string,
  now: number,
): 'ended' | 'attempt_succeeded' | 'attempt_failed' | 'gone' | 'live' {
  const attempt = row?.attempt;
  if (row && row.status !== 'running') return 'ended';
  if (attempt?.status === 'succeeded') return 'attempt_succeeded';
  if (attempt?.status === 'failed') return 'attempt_failed';
  if (!attempt || attempt.leaseOwner === owner || (attempt.leaseExpiresAt ?? 0) < now || isGoneLocalProcess(attempt.leaseOwner))
    return 'gone';
  return 'live';
}

/** What an executor gets for one attempt of a task. */
export function assignmentOf(state: TaskState, attempt: number, pipeline: PipelineRef): TaskAssignment {
  return {
    runId: state.ref.runId,
    taskId: state.row.taskId,
    attempt,
    pipeline,
    step: state.step.name,
    ...(state.row.mapIndex >= 0 ? { mapIndex: state.row.mapIndex } : {}),
    ...(state.step.timeoutMs !== undefined ? { timeoutMs: state.step.timeoutMs } : {}),
  };
}

/** An attempt's outcome as the run records it: stopped by its timeout, or stopped without a cancel of the run, it failed. */
export function recordedOutcome(run: RunningAttempt, outcome: TaskOutcome, runCancelled: boolean): TaskOutcome {
  if (outcome.status === 'cancelled' && run.timedOut)
    return { status: 'failed', error: { message: `timed out after ${run.state.step.timeoutMs} ms`, code: 'UNAVAILABLE' } };
  if (outcome.status === 'cancelled' && !runCancelled)
    return { status: 'failed', error: { message: 'the attempt was stopped before it ended', code: 'UNAVAILABLE' } };
  return outcome;
}

/** When a failed attempt's task is tried again (its step's backoff), or undefined when its retries are spent or the error is a fence CONFLICT. */
export function retryTime(state: TaskState, attempt: number, error: AttemptError, now: number): number | undefined {
  const used = attempt - state.budgetBase;
  if (used > state.step.retries || error.code === 'CONFLICT') return undefined;
  return now + backoffDelay(used - 1, state.step.backoff);
}
