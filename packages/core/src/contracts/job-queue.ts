/**
 * Runs a job somewhere else: a module's export called with JSON input, its JSON result sent back.
 * Provided by `@mlp/orchestrate` (jobs on the workspace's PostgreSQL job queue, run by `mlp worker`
 * processes on any machine, with leases: a job whose worker dies runs again on another), consumed by
 * `@mlp/train` (a search's trials on the queue). Neither package imports the other.
 */
export interface JobQueue {
  /**
   * Queues `job`, waits for a worker to run it, and resolves with its JSON result. Rejects with the
   * job's own error code and message when it throws, UNAVAILABLE when it was aborted or every attempt's
   * worker died (`maxAttempts`), and INVALID_ARGUMENT when its input or result is not JSON.
   */
  runJob(job: QueuedJob, options?: RunJobOptions): Promise<unknown>;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export interface QueuedJob {
  /** What the worker imports: an absolute file URL (the same installation on every machine) or a package specifier. */
  module: string;
  /** The export to call, `(input, context: JobContext) => Promise<result>` (default `default`). */
  export?: string;
  /** Plain JSON: it is stored in the database until a worker takes the job. */
  input: unknown;
  /** What workers print when they start and end it (`trial 3`). */
  label?: string;
}

export interface RunJobOptions {
  /** Aborting cancels the job: a queued one is dropped, a running one is stopped at the worker's next heartbeat. */
  signal?: AbortSignal;
  /**
   * Receives the job's `context.report(message)` calls, in order; what it returns (JSON) is the reply
   * the job's call resolves with. A job run again after its worker died reports again.
   */
  onReport?(message: unknown, attempt: number): unknown | Promise<unknown>;
  /** Attempts before a job whose workers keep dying fails (default 3). A job that throws is not retried. */
  maxAttempts?: number;
}

/** What a job's function gets besides its input, on the worker. */
export interface JobContext {
  /** 1 for the first attempt; more when an earlier worker died. */
  readonly attempt: number;
  /** Aborted when the job is cancelled or the worker lost its lease (another attempt may run). */
  readonly signal: AbortSignal;
  /** Sends a JSON message to whoever queued the job; resolves with its reply. */
  report(message: unknown): Promise<unknown>;
}

/** The shape of a job's export. */
export type JobFunction = (input: unknown, context: JobContext) => Promise<unknown>;
