import type { MigrationSet } from '@mlp/core';

/** The graphile-worker task every queued job (`JobQueue.runJob`) is an attempt of. */
export const jobTaskName = 'mlp_job';
/** A worker wrote a job's outcome (payload: the job id). */
export const jobDoneChannel = 'mlp_job_done';
/** A job reported a message (payload: the job id). */
export const jobReportChannel = 'mlp_job_report';
/** A report was answered (payload: `jobId#attempt#seq`). */
export const jobReplyChannel = 'mlp_job_reply';

/** A graphile job's payload: which attempt of which job; the job itself is read from `orchestrate_jobs`. */
export interface JobAttemptPayload {
  jobId: string;
  attempt: number;
}

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface JobError {
  code: string;
  message: string;
}

export const jobAttemptKey = (jobId: string, attempt: number) => `${jobId}#${attempt}`;
export const replyKey = (jobId: string, attempt: number, seq: number) => `${jobId}#${attempt}#${seq}`;

/** Lease and now from the database's clock, so machines with skewed clocks agree. */
export const dbNow = `(extract(epoch from clock_timestamp()) * 1000)::bigint`;

/**
 * The job tables, a migration set of their own beside the pipeline tables: a job row per queued job
 * (its attempt is the fence a lost worker's late writes are checked against) and its reports.
 */
export const jobMigrations: MigrationSet = {
  package: '@mlp/orchestrate/jobs',
  migrations: [
    {
      id: '0000_jobs',
      sql: `CREATE TABLE "orchestrate_jobs" (
  "job_id" text PRIMARY KEY NOT NULL,
  "module" text NOT NULL,
  "export_name" text NOT NULL,
  "input" jsonb NOT NULL,
  "label" text,
  "status" text NOT NULL,
  "attempt" integer NOT NULL,
  "max_attempts" integer NOT NULL,
  "lease_owner" text,
  "lease_expires_at" bigint,
  "result" jsonb,
  "error" jsonb,
  "created_time" bigint NOT NULL,
  "ended_time" bigint
);
CREATE INDEX "orchestrate_jobs_status_idx" ON "orchestrate_jobs" USING btree ("status", "lease_expires_at");
CREATE TABLE "orchestrate_job_reports" (
  "job_id" text NOT NULL REFERENCES "orchestrate_jobs" ("job_id") ON DELETE CASCADE,
  "attempt" integer NOT NULL,
  "seq" integer NOT NULL,
  "message" jsonb NOT NULL,
  "reply" jsonb,
  "replied" boolean DEFAULT false NOT NULL,
  PRIMARY KEY ("job_id", "attempt", "seq")
);`,
    },
    {
      // The queuer holds a lease too: jobs whose queuer is gone (killed) are not run, and running ones stop.
      id: '0001_job_caller_lease',
      sql: `ALTER TABLE "orchestrate_jobs" ADD COLUMN "caller_expires_at" bigint;`,
    },
  ],
};
