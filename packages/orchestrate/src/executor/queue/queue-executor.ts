import { MlpError, type Workspace } from '@mlp/core';
import type { ExecutorPlugin, TaskAssignment, TaskExecutor, TaskOutcome } from '../executor.js';
import { openGraphile } from './graphile.js';
import {
  abortChannel,
  attemptKey,
  type DoneMessage,
  defaultWorkerLeaseMs,
  doneChannel,
  graphileWorkerIdOf,
  type QueueJobPayload,
  queueLeasePattern,
  queueTaskName,
} from './queue-protocol.js';

export interface QueueExecutorOptions {
  /** How often attempts are checked in the database besides the workers' notifications (ms). */
  pollMs?: number;
  /**
   * A job taken by a worker but not leased after this long means the worker died in between (ms):
   * the workers' lease timeout by default, as for a worker that dies holding a lease.
   */
  unleasedGraceMs?: number;
}

type PoolClient = Awaited<ReturnType<Workspace['db']['connect']>>;

interface Pending {
  assignment: TaskAssignment;
  jobId: string;
  resolve: (outcome: TaskOutcome) => void;
}

/**
 * The scale-out executor: each attempt becomes a graphile-worker job in the workspace's own
 * database, run by whichever `mlp worker` takes it. The worker holds a lease on the attempt row and
 * renews it; when a lease runs out (the worker died), the attempt ends as failed here, so the run
 * engine retries it on another worker, and a late write of the lost worker is refused by the fence.
 */
export async function openQueueExecutor(workspace: Workspace, options: QueueExecutorOptions = {}): Promise<TaskExecutor> {
  const graphile = await openGraphile(workspace);
  const pending = new Map<string, Pending>();
  const pollMs = options.pollMs ?? 1_000;
  const unleasedGraceMs = options.unleasedGraceMs ?? defaultWorkerLeaseMs;
  let lastUnleasedCheck = 0;
  let listener: PoolClient | undefined;
  let closed = false;

  const settle = (key: string, outcome: TaskOutcome) => {
    const entry = pending.get(key);
    if (!entry) return;
    pending.delete(key);
    entry.resolve(outcome);
  };

  const listen = async () => {
    const client = await workspace.db.connect();
    client.on('notification', (message) => {
      if (message.channel !== doneChannel || !message.payload) return;
      try {
        const done = JSON.parse(message.payload) as DoneMessage;
        settle(done.key, done.outcome);
      } catch {
        // not ours
      }
    });
    // A lost connection loses notifications: the poll below still finds every attempt's end.
    client.on('error', () => {
      if (listener === client) listener = undefined;
    });
    await client.query(`LISTEN ${doneChannel}`);
    listener = client;
  };
  await listen();

  /** Finds attempts that ended without a notification reaching us, and attempts whose worker is gone. */
  const check = async () => {
    if (pending.size === 0) return;
    if (!listener) await listen().catch(() => undefined);
    const keys = [...pending.values()].map((p) => ({ task_id: p.assignment.taskId, attempt: p.assignment.attempt }));
    const rows = await workspace.db.query<{
      task_id: string;
      attempt: number;
      status: string;
      error: TaskOutcome & { message?: string };
      lease_owner: string | null;
      lost: boolean;
    }>(
      `SELECT a.task_id, a.attempt, a.status, a.error, a.lease_owner,
              (a.lease_owner LIKE $2 AND a.lease_expires_at < (extract(epoch from clock_timestamp()) * 1000)::bigint) AS lost
         FROM orchestrate_attempts a
         JOIN jsonb_to_recordset($1::jsonb) AS k(task_id text, attempt int) ON k.task_id = a.task_id AND k.attempt = a.attempt`,
      [JSON.stringify(keys), queueLeasePattern],
    );
    for (const row of rows) {
      const key = attemptKey({ taskId: row.task_id, attempt: row.attempt });
      if (row.status === 'succeeded') settle(key, { status: 'succeeded' });
      else if (row.status === 'failed') settle(key, { status: 'failed', error: (row.error ?? { message: 'the attempt failed' }) as never });
      else if (row.status === 'cancelled') settle(key, { status: 'cancelled' });
      else if (row.lost && row.lease_owner)
        await giveUp(key, graphileWorkerIdOf(row.lease_owner), `the worker running it (${row.lease_owner}) stopped renewing its lease`);
    }
    // A worker that took a job and died before leasing its attempt leaves the job locked (for 4 hours, by graphile-worker).
    const unleased = rows
      .filter((row) => row.status === 'running' && !row.lease_owner?.startsWith('worker-'))
      .map((row) => pending.get(attemptKey({ taskId: row.task_id, attempt: row.attempt })))
      .filter((entry) => entry?.jobId);
    // Checked a few times per grace period, not every poll: a burst of queued jobs makes this query large.
    if (unleased.length === 0 || Date.now() - lastUnleasedCheck < unleasedGraceMs / 4) return;
    lastUnleasedCheck = Date.now();
    const stuck = await workspace.db.query<{ id: string; locked_by: string }>(
      `SELECT id::text, locked_by FROM graphile_worker.jobs
        WHERE id = ANY($1::bigint[]) AND locked_by IS NOT NULL AND locked_at < now() - make_interval(secs => $2::double precision / 1000)`,
      [unleased.map((entry) => entry!.jobId), unleasedGraceMs],
    );
    for (const job of stuck) {
      const entry = unleased.find((candidate) => candidate!.jobId === job.id);
      if (entry) await giveUp(attemptKey(entry.assignment), job.locked_by, `the worker that took it (${job.locked_by}) never leased it`);
    }
  };

  /** Ends an attempt whose worker is gone: its job is unlocked and dropped, and the engine retries the task. */
  const giveUp = async (key: string, graphileWorkerId: string, why: string) => {
    const entry = pending.get(key);
    await graphile.utils.forceUnlockWorkers([graphileWorkerId]);
    if (entry?.jobId) await graphile.utils.completeJobs([entry.jobId]);
    settle(key, { status: 'failed', error: { code: 'UNAVAILABLE', message: `${why}; it is presumed dead and the attempt is given up.` } });
  };

  let checking: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    checking = checking
      .then(check)
      .catch((error: unknown) => workspace.logger.warn({ err: error }, 'queue executor: checking attempts failed; trying again'));
  }, pollMs);
  timer.unref();

  return {
    name: 'queue',
    async execute(assignment, signal) {
      if (closed) throw new MlpError('FAILED_PRECONDITION', 'the queue executor is closed; open another.');
      const key = attemptKey(assignment);
      const outcome = new Promise<TaskOutcome>((resolve) => pending.set(key, { assignment, jobId: '', resolve }));
      const payload: QueueJobPayload = { assignment };
      const job = await graphile.utils.addJob(queueTaskName, payload as never, {
        jobKey: key,
        jobKeyMode: 'preserve_run_at',
        maxAttempts: 1,
      });
      const entry = pending.get(key);
      if (entry) entry.jobId = String(job.id);
      const onAbort = async () => {
        // Not started yet: removing the job is enough. Started: the worker stops it and reports.
        const removed = await graphile.utils.completeJobs([String(job.id)]).catch(() => []);
        if (removed.length > 0) settle(key, { status: 'cancelled' });
        else await workspace.db.query('SELECT pg_notify($1, $2)', [abortChannel, key]).catch(() => undefined);
      };
      const listener = () => void onAbort();
      if (signal.aborted) listener();
      else signal.addEventListener('abort', listener, { once: true });
      // The engine may share one signal between many tasks: leave no listener behind.
      return outcome.finally(() => signal.removeEventListener('abort', listener));
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      await checking;
      for (const key of [...pending.keys()]) settle(key, { status: 'cancelled' });
      const client = listener;
      listener = undefined;
      if (client) {
        await client.query(`UNLISTEN ${doneChannel}`).catch(() => undefined);
        client.release();
      }
      await graphile.release();
    },
  };
}

export const queueExecutorPlugin: ExecutorPlugin = {
  name: 'queue',
  open: (workspace) => openQueueExecutor(workspace),
};
