import { hostname } from 'node:os';
import { MlpError, type Workspace } from '@mlp/core';
import type { Runner } from 'graphile-worker';
import type { TaskOutcome } from '../executor/executor.js';
import { graphileLogger, loadGraphile, migrateQueueSchema } from '../executor/queue/graphile.js';
import { jobTaskName } from '../executor/queue/job-protocol.js';
import { type JobWorkerOptions, startJobWorker } from '../executor/queue/job-worker.js';
import {
  abortChannel,
  attemptKey,
  defaultWorkerLeaseMs,
  doneChannel,
  encodeDone,
  leaseOwnerOf,
  type QueueJobPayload,
  queueTaskName,
} from '../executor/queue/queue-protocol.js';
import { migrations as orchestrateMigrations } from '../generated/migrations.js';
import { describeError, executeTaskAttempt } from '../run/execute-task-attempt.js';
import { claimAttempt, renewAttemptLease } from './attempt-lease.js';

export interface QueueWorkerOptions {
  /** Attempts run at once in this process (default 4). */
  concurrency?: number;
  /** How long a lease lasts without a heartbeat (ms, default 15 s): a dead worker's attempt is retried after it. */
  leaseMs?: number;
  /** Polling fallback of the queue besides its notifications (ms). */
  pollIntervalMs?: number;
  /** Called as an attempt starts and ends in this worker. */
  onAttempt?: (event: { key: string; step: string; runId: string; phase: 'started' | 'ended'; outcome?: TaskOutcome }) => void;
  /** Called as a job (`JobQueue.runJob`, such as a search trial) starts and ends in this worker. */
  onJob?: JobWorkerOptions['onJob'];
}

export interface QueueWorker {
  /** Stops taking jobs, lets the attempts in flight finish, and releases the queue. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * A queue worker (what `mlp worker` runs): takes queued attempts from the workspace's job queue and
 * runs them with `executeTaskAttempt`, holding a lease on each attempt and renewing it every third
 * of its length. A lease it can no longer renew (the engine gave the attempt up) aborts the attempt.
 */
export async function startWorker(workspace: Workspace, options: QueueWorkerOptions = {}): Promise<QueueWorker> {
  const concurrency = options.concurrency ?? 4;
  const leaseMs = options.leaseMs ?? defaultWorkerLeaseMs;
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new MlpError('INVALID_ARGUMENT', `--concurrency must be a whole number of at least 1, not ${concurrency}.`);
  if (!Number.isFinite(leaseMs) || leaseMs < 500)
    throw new MlpError('INVALID_ARGUMENT', `the lease must last at least 500 ms, not ${leaseMs}.`);
  await workspace.migrate(orchestrateMigrations);
  const graphile = await loadGraphile();
  await migrateQueueSchema(workspace, graphile);
  const running = new Map<string, AbortController>();
  const host = hostname();

  const aborts = await workspace.db.connect();
  aborts.on('notification', (message) => {
    if (message.channel === abortChannel && message.payload) running.get(message.payload)?.abort();
  });
  aborts.on('error', (error) => workspace.logger.warn({ err: error }, 'worker: the abort listener lost its connection'));
  await aborts.query(`LISTEN ${abortChannel}`);
  const jobs = await startJobWorker(workspace, { leaseMs, ...(options.onJob ? { onJob: options.onJob } : {}) });

  const runAttempt = async (payload: unknown, lockedBy: string) => {
    const { assignment } = payload as QueueJobPayload;
    const key = attemptKey(assignment);
    const owner = leaseOwnerOf(lockedBy, host, process.pid);
    if (!(await claimAttempt(workspace, assignment, owner, leaseMs))) return; // ended or superseded meanwhile
    const controller = new AbortController();
    running.set(key, controller);
    const heartbeat = setInterval(() => {
      renewAttemptLease(workspace, assignment, owner, leaseMs).then(
        (held) => held || controller.abort(),
        (error: unknown) => workspace.logger.warn({ err: error, task: assignment.taskId }, 'worker: could not renew a lease'),
      );
    }, leaseMs / 3);
    // The engine aborts on timeout too; this one holds when the engine is gone.
    const timeout = assignment.timeoutMs ? setTimeout(() => controller.abort(), assignment.timeoutMs) : undefined;
    options.onAttempt?.({ key, step: assignment.step, runId: assignment.runId, phase: 'started' });
    let outcome: TaskOutcome;
    try {
      outcome = await executeTaskAttempt(workspace, assignment, controller.signal);
    } catch (error) {
      outcome = { status: 'failed', error: describeError(error) };
    } finally {
      clearInterval(heartbeat);
      clearTimeout(timeout);
      running.delete(key);
    }
    options.onAttempt?.({ key, step: assignment.step, runId: assignment.runId, phase: 'ended', outcome });
    await workspace.db.query('SELECT pg_notify($1, $2)', [doneChannel, encodeDone({ key, outcome })]);
  };

  let runner: Runner;
  try {
    runner = await graphile.run({
      pgPool: workspace.db.pool,
      concurrency,
      noHandleSignals: true,
      pollInterval: options.pollIntervalMs ?? 2_000,
      logger: graphileLogger(graphile, workspace),
      taskList: {
        [queueTaskName]: (payload, helpers) => runAttempt(payload, helpers.job.locked_by ?? 'worker-unknown'),
        [jobTaskName]: (payload, helpers) => jobs.run(payload, helpers.job.locked_by ?? 'worker-unknown'),
      },
    });
  } catch (error) {
    aborts.release();
    await jobs.close();
    throw new MlpError('UNAVAILABLE', `the worker could not start on the job queue: ${(error as Error).message}`, { cause: error });
  }

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      await runner.stop();
      await aborts.query(`UNLISTEN ${abortChannel}`).catch(() => undefined);
      aborts.release();
      await jobs.close();
    })();
    return closing;
  };
  return { close, [Symbol.asyncDispose]: close };
}
