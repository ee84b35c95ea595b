import type { TaskAssignment, TaskOutcome } from '../executor.js';

/** The graphile-worker task every queued attempt is a job of. */
export const queueTaskName = 'mlp_orchestrate_task';
/** Workers announce an attempt's outcome here; the executor that queued it is listening. */
export const doneChannel = 'mlp_orchestrate_done';
/** The executor asks the worker running an attempt to stop it (cancel, timeout). */
export const abortChannel = 'mlp_orchestrate_abort';

/** A job's payload: the attempt to run. */
export interface QueueJobPayload {
  assignment: TaskAssignment;
}

export interface DoneMessage {
  key: string;
  outcome: TaskOutcome;
}

/** One attempt's key: its job key, and what the done and abort messages name. */
export function attemptKey(task: Pick<TaskAssignment, 'taskId' | 'attempt'>): string {
  return `${task.taskId}#${task.attempt}`;
}

/** A NOTIFY payload stays under PostgreSQL's 8000 bytes: a long stack or message is cut. */
export function encodeDone(message: DoneMessage): string {
  const text = JSON.stringify(message);
  if (Buffer.byteLength(text) < 7_500 || message.outcome.status !== 'failed') return text;
  const { message: why, code } = message.outcome.error;
  return JSON.stringify({ ...message, outcome: { status: 'failed', error: { message: why.slice(0, 3_000), ...(code && { code }) } } });
}

/** The lease owner a worker writes on the attempt: graphile's worker id first, so a lost one can be unlocked. */
export function leaseOwnerOf(graphileWorkerId: string, host: string, pid: number): string {
  return `${graphileWorkerId}@${host}:${pid}`;
}

export function graphileWorkerIdOf(leaseOwner: string): string {
  return leaseOwner.split('@')[0] as string;
}

/** Lease owners written by queue workers (the run engine's own owners look different). */
export const queueLeasePattern = 'worker-%@%';

/**
 * How long a worker's lease on an attempt lasts without a heartbeat, by default (`mlp worker --lease-ms`).
 * The engine gives an attempt up after it whether the worker died after leasing it or before (a job
 * taken but never leased): one timeout for a dead worker, whenever it died.
 */
export const defaultWorkerLeaseMs = 15_000;
