import { hostname } from 'node:os';
import { errorCodes, type JobContext, type JobFunction, MlpError, type Workspace } from '@mlp/core';
import {
  dbNow,
  type JobAttemptPayload,
  type JobError,
  jobAttemptKey,
  jobDoneChannel,
  jobMigrations,
  jobReplyChannel,
  jobReportChannel,
  replyKey,
} from './job-protocol.js';
import { toJson } from './job-queue.js';
import { leaseOwnerOf } from './queue-protocol.js';

export interface JobWorkerOptions {
  /** How long a lease lasts without a heartbeat (ms); renewed every third of it. */
  leaseMs: number;
  /** How often a report's reply is looked for besides its notification (ms, default 1 s). */
  pollMs?: number;
  /** Called as a job's attempt starts and ends here. */
  onJob?: (event: { key: string; label: string; phase: 'started' | 'ended'; error?: JobError }) => void;
}

export interface JobWorker {
  /** The graphile-worker task that runs one attempt of a job. */
  run(payload: unknown, lockedBy: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * The worker side of `openJobQueue`, part of every `mlp worker`: leases a queued job's attempt (only
 * while it is still the job's current attempt), imports its module, calls its export with the input
 * and a context whose `report` waits for the queuer's reply, renews the lease while it runs, and
 * writes the result fenced by the attempt. A lease it cannot renew (cancelled, or given up as lost)
 * aborts the job's signal.
 */
export async function startJobWorker(workspace: Workspace, options: JobWorkerOptions): Promise<JobWorker> {
  await workspace.migrate(jobMigrations);
  const { leaseMs } = options;
  const pollMs = options.pollMs ?? 1_000;
  const host = hostname();
  const modules = new Map<string, Promise<Record<string, unknown>>>();
  const waiters = new Map<string, () => void>();

  const replies = await workspace.db.connect();
  replies.on('notification', (message) => {
    if (message.channel === jobReplyChannel && message.payload) waiters.get(message.payload)?.();
  });
  replies.on('error', (error) => workspace.logger.warn({ err: error }, 'worker: the job reply listener lost its connection; polling'));
  await replies.query(`LISTEN ${jobReplyChannel}`);

  const load = (module: string) => {
    let loaded = modules.get(module);
    if (!loaded) {
      loaded = import(module) as Promise<Record<string, unknown>>;
      loaded.catch(() => modules.delete(module));
      modules.set(module, loaded);
    }
    return loaded;
  };

  const run = async (payload: unknown, lockedBy: string) => {
    const { jobId, attempt } = payload as JobAttemptPayload;
    const owner = leaseOwnerOf(lockedBy, host, process.pid);
    const [job] = await workspace.db.query<{ module: string; export_name: string; input: unknown; label: string | null }>(
      `UPDATE orchestrate_jobs SET status = 'running', lease_owner = $3, lease_expires_at = ${dbNow} + $4
        WHERE job_id = $1 AND attempt = $2 AND status = 'queued' AND caller_expires_at > ${dbNow}
        RETURNING module, export_name, input, label`,
      [jobId, attempt, owner, leaseMs],
    );
    if (!job) return; // cancelled, superseded by a later attempt, or its queuer is gone
    const key = jobAttemptKey(jobId, attempt);
    const label = job.label ?? key;
    const controller = new AbortController();
    const heartbeat = setInterval(() => {
      workspace.db
        .query(
          `UPDATE orchestrate_jobs SET lease_expires_at = ${dbNow} + $4,
                  status = CASE WHEN caller_expires_at > ${dbNow} THEN status ELSE 'cancelled' END
            WHERE job_id = $1 AND attempt = $2 AND lease_owner = $3 AND status = 'running' RETURNING status`,
          [jobId, attempt, owner, leaseMs],
        )
        .then(
          // Cancelled, given up as lost, or its queuer is gone: stop.
          (rows) => rows[0]?.status === 'running' || controller.abort(),
          (error: unknown) => workspace.logger.warn({ err: error, job: jobId }, 'worker: could not renew a job lease'),
        );
    }, leaseMs / 3);
    options.onJob?.({ key, label, phase: 'started' });

    let seq = 0;
    const report = async (message: unknown): Promise<unknown> => {
      const at = ++seq;
      const inserted = await workspace.db.query(
        `INSERT INTO orchestrate_job_reports (job_id, attempt, seq, message)
         SELECT $1, $2, $3, $4::jsonb
          WHERE EXISTS (SELECT 1 FROM orchestrate_jobs WHERE job_id = $1 AND attempt = $2 AND lease_owner = $5 AND status = 'running')
         RETURNING seq`,
        [jobId, attempt, at, toJson(message, 'input'), owner],
      );
      if (inserted.length === 0) {
        controller.abort();
        throw new MlpError('UNAVAILABLE', 'the job was cancelled or given to another worker; this attempt stops.');
      }
      await workspace.db.query('SELECT pg_notify($1, $2)', [jobReportChannel, jobId]);
      const wanted = replyKey(jobId, attempt, at);
      for (;;) {
        let wake: () => void = () => undefined;
        const woken = new Promise<void>((resolve) => {
          wake = resolve;
        });
        waiters.set(wanted, wake);
        const timer = setTimeout(wake, pollMs);
        const onAbort = () => wake();
        controller.signal.addEventListener('abort', onAbort, { once: true });
        try {
          const [row] = await workspace.db.query<{ reply: unknown; replied: boolean }>(
            'SELECT reply, replied FROM orchestrate_job_reports WHERE job_id = $1 AND attempt = $2 AND seq = $3',
            [jobId, attempt, at],
          );
          if (row?.replied) return row.reply;
          if (!row || controller.signal.aborted) throw new MlpError('UNAVAILABLE', 'the job was cancelled while it waited for a reply.');
          await woken;
        } finally {
          clearTimeout(timer);
          waiters.delete(wanted);
          controller.signal.removeEventListener('abort', onAbort);
        }
      }
    };
    const context: JobContext = { attempt, signal: controller.signal, report };

    let outcome: { status: 'succeeded'; result: string } | { status: 'failed'; error: JobError };
    try {
      const namespace = await load(job.module);
      const fn = namespace[job.export_name];
      if (typeof fn !== 'function')
        throw new MlpError(
          'INVALID_ARGUMENT',
          `the job module ${job.module} has no function export '${job.export_name}'; export async function ${job.export_name}(input, context).`,
        );
      const result = await (fn as JobFunction)(job.input, context);
      outcome = { status: 'succeeded', result: toJson(result, 'result') };
    } catch (error) {
      outcome = { status: 'failed', error: describe(error) };
    } finally {
      clearInterval(heartbeat);
    }
    const written = await workspace.db.query(
      `UPDATE orchestrate_jobs SET status = $4, result = $5::jsonb, error = $6::jsonb, ended_time = ${dbNow}
        WHERE job_id = $1 AND attempt = $2 AND lease_owner = $3 AND status = 'running' RETURNING attempt`,
      [
        jobId,
        attempt,
        owner,
        outcome.status,
        outcome.status === 'succeeded' ? outcome.result : null,
        outcome.status === 'failed' ? JSON.stringify(outcome.error) : null,
      ],
    );
    if (written.length > 0) await workspace.db.query('SELECT pg_notify($1, $2)', [jobDoneChannel, jobId]);
    options.onJob?.({ key, label, phase: 'ended', ...(outcome.status === 'failed' ? { error: outcome.error } : {}) });
  };

  return {
    run,
    async close() {
      await replies.query(`UNLISTEN ${jobReplyChannel}`).catch(() => undefined);
      replies.release();
    },
  };
}

/** A job's error as stored: an MlpError keeps its code; anything else is INTERNAL. */
function describe(error: unknown): JobError {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  const known = typeof code === 'string' && Object.hasOwn(errorCodes, code);
  return { code: known ? code : 'INTERNAL', message };
}
