import { randomUUID } from 'node:crypto';
import { type JobQueue, MlpError, type QueuedJob, type RunJobOptions, type Workspace } from '@mlp/core';
import { openGraphile } from './graphile.js';
import {
  dbNow,
  type JobAttemptPayload,
  type JobError,
  type JobStatus,
  jobAttemptKey,
  jobDoneChannel,
  jobMigrations,
  jobReplyChannel,
  jobReportChannel,
  jobTaskName,
  replyKey,
} from './job-protocol.js';
import { graphileWorkerIdOf } from './queue-protocol.js';

export interface JobQueueOptions {
  /** How often jobs and their reports are checked in the database besides the workers' notifications (ms). */
  pollMs?: number;
  /** A job a worker took but never leased after this long means the worker died in between (ms). */
  unleasedGraceMs?: number;
  /**
   * This queue's own lease on its jobs, renewed at every check (ms, default 30 s): when the process
   * that queued a job dies, workers drop the job if it is still queued, or stop it if it is running.
   */
  callerLeaseMs?: number;
}

type PoolClient = Awaited<ReturnType<Workspace['db']['connect']>>;

interface PendingJob {
  jobId: string;
  graphileJobId: string;
  maxAttempts: number;
  onReport: RunJobOptions['onReport'];
  /** The reports being answered, in order. */
  answering: Set<string>;
  reports: Promise<void>;
  resolve(result: unknown): void;
  reject(error: unknown): void;
}

interface JobRow extends Record<string, unknown> {
  job_id: string;
  status: JobStatus;
  attempt: number;
  result: unknown;
  error: JobError | null;
  lease_owner: string | null;
  lost: boolean;
}

/**
 * Jobs on the workspace's job queue (the `JobQueue` contract of @mlp/core): each job is a row of
 * `orchestrate_jobs` and each attempt a graphile-worker job that `mlp worker` processes take. The
 * worker leases the job and renews the lease; when the lease runs out (the worker died) the job is
 * queued again under the next attempt, which fences the lost worker's late writes. Reports of a
 * running job go through `orchestrate_job_reports`, woken by NOTIFY, and get the reply of `onReport`.
 */
export async function openJobQueue(workspace: Workspace, options: JobQueueOptions = {}): Promise<JobQueue> {
  await workspace.migrate(jobMigrations);
  const graphile = await openGraphile(workspace);
  const pollMs = options.pollMs ?? 1_000;
  const unleasedGraceMs = options.unleasedGraceMs ?? 30_000;
  const callerLeaseMs = Math.max(options.callerLeaseMs ?? 30_000, pollMs * 3);
  // Jobs of queuers that died long ago: nobody will read them.
  await workspace.db.query(`DELETE FROM orchestrate_jobs WHERE caller_expires_at < ${dbNow} - 3600000`);
  const pending = new Map<string, PendingJob>();
  let listener: PoolClient | undefined;
  let closed = false;
  let lastUnleasedCheck = 0;

  const settle = (jobId: string, outcome: { result: unknown } | { error: unknown }) => {
    const entry = pending.get(jobId);
    if (!entry) return;
    pending.delete(jobId);
    // The job's rows go (its reports with it) before the caller hears of its end.
    void workspace.db
      .query('DELETE FROM orchestrate_jobs WHERE job_id = $1', [jobId])
      .catch((error: unknown) => workspace.logger.warn({ err: error, job: jobId }, 'job queue: could not delete an ended job'))
      .then(() => ('error' in outcome ? entry.reject(outcome.error) : entry.resolve(outcome.result)));
  };

  const enqueue = async (entry: PendingJob, attempt: number) => {
    const payload: JobAttemptPayload = { jobId: entry.jobId, attempt };
    const job = await graphile.utils.addJob(jobTaskName, payload as never, { jobKey: jobAttemptKey(entry.jobId, attempt), maxAttempts: 1 });
    entry.graphileJobId = String(job.id);
  };

  /** The attempt's worker is gone: its graphile job is dropped and the job queued again, or failed after maxAttempts. */
  const retry = async (
    entry: PendingJob,
    row: JobRow,
    graphileWorkerId: string | undefined,
    why: string,
    from: readonly JobStatus[] = ['queued', 'running'],
  ) => {
    if (graphileWorkerId) await graphile.utils.forceUnlockWorkers([graphileWorkerId]);
    if (entry.graphileJobId) await graphile.utils.completeJobs([entry.graphileJobId]);
    // Guarded by attempt and status: a job that ended or moved on meanwhile is left to the next check.
    if (row.attempt >= entry.maxAttempts) {
      const failed = await workspace.db.query(
        `UPDATE orchestrate_jobs SET status = 'failed' WHERE job_id = $1 AND attempt = $2 AND status = ANY($3) RETURNING attempt`,
        [row.job_id, row.attempt, from],
      );
      if (failed.length === 0) return;
      const error = new MlpError(
        'UNAVAILABLE',
        `${why}, and that was attempt ${row.attempt} of ${entry.maxAttempts}; check that the workers stay up (mlp worker), then run the job again.`,
      );
      return settle(row.job_id, { error });
    }
    const moved = await workspace.db.query(
      `UPDATE orchestrate_jobs SET attempt = attempt + 1, status = 'queued', lease_owner = NULL, lease_expires_at = NULL
        WHERE job_id = $1 AND attempt = $2 AND status = ANY($3) RETURNING attempt`,
      [row.job_id, row.attempt, from],
    );
    if (moved.length > 0) {
      workspace.logger.warn({ job: row.job_id, attempt: row.attempt }, `job queue: ${why}; running the job again`);
      await enqueue(entry, row.attempt + 1);
    }
  };

  const answer = async (entry: PendingJob, report: { attempt: number; seq: number; message: unknown }) => {
    let reply: unknown = null;
    try {
      reply = (await entry.onReport?.(report.message, report.attempt)) ?? null;
    } catch (error) {
      await workspace.db.query(`UPDATE orchestrate_jobs SET status = 'cancelled' WHERE job_id = $1`, [entry.jobId]);
      return settle(entry.jobId, { error });
    }
    await workspace.db.query(
      'UPDATE orchestrate_job_reports SET reply = $4::jsonb, replied = true WHERE job_id = $1 AND attempt = $2 AND seq = $3',
      [entry.jobId, report.attempt, report.seq, JSON.stringify(reply)],
    );
    await workspace.db.query('SELECT pg_notify($1, $2)', [jobReplyChannel, replyKey(entry.jobId, report.attempt, report.seq)]);
  };

  /** Answers new reports and settles ended jobs; retries jobs whose worker is gone. */
  const check = async () => {
    if (pending.size === 0) return;
    if (!listener) await listen().catch(() => undefined);
    const ids = [...pending.keys()];
    await workspace.db.query(`UPDATE orchestrate_jobs SET caller_expires_at = ${dbNow} + $2 WHERE job_id = ANY($1)`, [ids, callerLeaseMs]);
    const reports = await workspace.db.query<{ job_id: string; attempt: number; seq: number; message: unknown }>(
      `SELECT job_id, attempt, seq, message FROM orchestrate_job_reports WHERE job_id = ANY($1) AND NOT replied ORDER BY job_id, attempt, seq`,
      [ids],
    );
    for (const report of reports) {
      const entry = pending.get(report.job_id);
      const key = replyKey(report.job_id, report.attempt, report.seq);
      if (!entry || entry.answering.has(key)) continue;
      entry.answering.add(key);
      entry.reports = entry.reports
        .then(() => answer(entry, report))
        .catch((error: unknown) => workspace.logger.warn({ err: error, job: report.job_id }, 'job queue: answering a report failed'));
    }
    const rows = await workspace.db.query<JobRow>(
      `SELECT job_id, status, attempt, result, error, lease_owner,
              (status = 'running' AND lease_expires_at < ${dbNow}) AS lost
         FROM orchestrate_jobs WHERE job_id = ANY($1)`,
      [ids],
    );
    for (const row of rows) {
      const entry = pending.get(row.job_id);
      if (!entry) continue;
      if (row.status === 'succeeded') settle(row.job_id, { result: row.result });
      else if (row.status === 'failed')
        settle(row.job_id, {
          error: new MlpError(
            (row.error?.code as never) ?? 'INTERNAL',
            row.error?.message ?? 'the job failed on its worker; see the worker’s log.',
          ),
        });
      else if (row.status === 'cancelled') settle(row.job_id, { error: cancelledError() });
      else if (row.lost && row.lease_owner)
        await retry(
          entry,
          row,
          graphileWorkerIdOf(row.lease_owner),
          `the worker running it (${row.lease_owner}) stopped renewing its lease`,
        );
    }
    await checkUnleased(rows.filter((row) => row.status === 'queued'));
  };

  /**
   * Queued jobs whose graphile job cannot run: locked by a worker that died before leasing the job
   * (graphile-worker holds that lock for 4 hours), failed in the handler (a lost database connection),
   * or gone. Checked a few times per grace period, not at every poll.
   */
  const checkUnleased = async (queued: JobRow[]) => {
    const entries = queued.map((row) => ({ row, entry: pending.get(row.job_id) })).filter(({ entry }) => entry?.graphileJobId);
    if (entries.length === 0 || Date.now() - lastUnleasedCheck < unleasedGraceMs / 4) return;
    lastUnleasedCheck = Date.now();
    const jobs = await workspace.db.query<{ id: string; locked_by: string | null; stuck: boolean; failed: boolean }>(
      `SELECT id::text, locked_by,
              (locked_by IS NOT NULL AND locked_at < now() - make_interval(secs => $2::double precision / 1000)) AS stuck,
              (locked_by IS NULL AND last_error IS NOT NULL AND attempts >= max_attempts) AS failed
         FROM graphile_worker.jobs WHERE id = ANY($1::bigint[])`,
      [entries.map(({ entry }) => entry?.graphileJobId), unleasedGraceMs],
    );
    for (const { row, entry } of entries) {
      if (!entry) continue;
      const job = jobs.find((candidate) => candidate.id === entry.graphileJobId);
      if (job?.stuck) await retry(entry, row, job.locked_by ?? undefined, `the worker that took it (${job.locked_by}) never leased it`);
      else if (!job || job.failed) await retry(entry, row, undefined, 'its queue job ended without running it', ['queued']);
    }
  };

  let checking: Promise<void> = Promise.resolve();
  let scheduled = false;
  const kick = () => {
    if (scheduled || closed) return;
    scheduled = true;
    checking = checking
      .then(() => {
        scheduled = false;
        return check();
      })
      .catch((error: unknown) => workspace.logger.warn({ err: error }, 'job queue: checking jobs failed; trying again'));
  };

  const listen = async () => {
    const client = await workspace.db.connect();
    client.on('notification', (message) => {
      if ((message.channel === jobDoneChannel || message.channel === jobReportChannel) && pending.has(message.payload ?? '')) kick();
    });
    // A lost connection loses notifications: the poll still finds every report and every end.
    client.on('error', () => {
      if (listener === client) listener = undefined;
    });
    await client.query(`LISTEN ${jobDoneChannel}`);
    await client.query(`LISTEN ${jobReportChannel}`);
    listener = client;
  };
  await listen();
  const timer = setInterval(kick, pollMs);
  timer.unref();

  const cancel = async (jobId: string) => {
    const entry = pending.get(jobId);
    await workspace.db
      .query(`UPDATE orchestrate_jobs SET status = 'cancelled' WHERE job_id = $1 AND status IN ('queued', 'running')`, [jobId])
      .catch(() => undefined);
    // A job no worker took yet is removed; a running one stops at its worker's next heartbeat.
    if (entry?.graphileJobId) await graphile.utils.completeJobs([entry.graphileJobId]).catch(() => undefined);
    settle(jobId, { error: cancelledError() });
  };

  const close = async () => {
    if (closed) return;
    closed = true;
    clearInterval(timer);
    await checking;
    await Promise.all([...pending.keys()].map(cancel));
    const client = listener;
    listener = undefined;
    if (client) {
      await client.query(`UNLISTEN ${jobDoneChannel}`).catch(() => undefined);
      await client.query(`UNLISTEN ${jobReportChannel}`).catch(() => undefined);
      client.release();
    }
    await graphile.release();
  };

  return {
    async runJob(job: QueuedJob, runOptions: RunJobOptions = {}) {
      if (closed) throw new MlpError('FAILED_PRECONDITION', 'the job queue is closed; open another.');
      if (typeof job.module !== 'string' || job.module.length === 0)
        throw new MlpError('INVALID_ARGUMENT', 'a job names the module its worker imports (a file URL or package specifier).');
      const maxAttempts = runOptions.maxAttempts ?? 3;
      if (!Number.isInteger(maxAttempts) || maxAttempts < 1)
        throw new MlpError('INVALID_ARGUMENT', `a job's maxAttempts is a whole number of at least 1, not ${maxAttempts}.`);
      const input = toJson(job.input, 'input');
      if (runOptions.signal?.aborted) throw cancelledError();
      const jobId = randomUUID();
      await workspace.db.query(
        `INSERT INTO orchestrate_jobs (job_id, module, export_name, input, label, status, attempt, max_attempts, created_time, caller_expires_at)
         VALUES ($1, $2, $3, $4::jsonb, $5, 'queued', 1, $6, ${dbNow}, ${dbNow} + $7)`,
        [jobId, job.module, job.export ?? 'default', input, job.label ?? null, maxAttempts, callerLeaseMs],
      );
      const result = new Promise<unknown>((resolve, reject) =>
        pending.set(jobId, {
          jobId,
          graphileJobId: '',
          maxAttempts,
          onReport: runOptions.onReport,
          answering: new Set(),
          reports: Promise.resolve(),
          resolve,
          reject,
        }),
      );
      const entry = pending.get(jobId) as PendingJob;
      const onAbort = () => void cancel(jobId);
      runOptions.signal?.addEventListener('abort', onAbort, { once: true });
      try {
        await enqueue(entry, 1);
      } catch (error) {
        settle(jobId, { error: new MlpError('UNAVAILABLE', `could not queue the job: ${(error as Error).message}`, { cause: error }) });
      }
      return result.finally(() => runOptions.signal?.removeEventListener('abort', onAbort));
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

function cancelledError(): MlpError {
  return new MlpError('UNAVAILABLE', 'the job was cancelled before it ended (aborted, or its queue was closed); run it again.');
}

/** JSON text of a job's input or result, or INVALID_ARGUMENT naming what cannot be stored. */
export function toJson(value: unknown, what: 'input' | 'result'): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value ?? null);
  } catch (error) {
    throw new MlpError('INVALID_ARGUMENT', `a job's ${what} must be plain JSON: ${(error as Error).message}.`, { cause: error });
  }
  return text as string;
}
