import type { TaskExecutor } from '../executor/executor.js';

export type PipelineRunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
export type TaskStatus = 'pending' | 'running' | 'up_for_retry' | 'succeeded' | 'failed' | 'skipped' | 'upstream_failed' | 'cancelled';
export type TriggerKind = 'manual' | 'schedule' | 'event' | 'http' | 'backfill' | 'retry';

/** What started a run. `key` is an idempotency key: a second start with the same key returns the first run. */
export interface RunTrigger {
  kind: TriggerKind;
  key?: string;
  /** The tick or interval start the run is for (epoch ms). */
  logicalTime?: number;
}

export interface StartPipelineRunOptions {
  /** Raw params: parsed with the pipeline's schema before anything runs. */
  params?: unknown;
  trigger?: RunTrigger;
  /** Where attempts run; the local executor when omitted. */
  executor?: TaskExecutor;
  /** Aborting it cancels the run. */
  signal?: AbortSignal;
  /**
   * The module a pipeline object was loaded from, so child processes and other machines can load it;
   * without it a pipeline defined in memory runs its tasks in this process only.
   */
  modulePath?: string;
  /** How long this engine's claim on the run lasts without a heartbeat (default 30 s): another engine resumes it after. */
  leaseMs?: number;
}

export interface TaskSummary {
  taskId: string;
  name: string;
  /** The item's index in a map step, else undefined. */
  mapIndex: number | undefined;
  status: TaskStatus;
  attempts: number;
  cached: boolean;
  startedAt: number | undefined;
  endedAt: number | undefined;
  error: { message: string; stack?: string; code?: string } | undefined;
}

export interface RunSummary {
  runId: string;
  pipeline: string;
  status: PipelineRunStatus;
  params: unknown;
  trigger: RunTrigger;
  sourceHash: string;
  createdAt: number;
  startedAt: number | undefined;
  endedAt: number | undefined;
  error: string | undefined;
  tasks: TaskSummary[];
}

/** A started run: its id at once, its summary when it ends. */
export interface RunHandle {
  runId: string;
  /** False when the trigger key matched an earlier run: `done` then follows that run (waited for only once asked for). */
  created: boolean;
  readonly done: Promise<RunSummary>;
}

export const terminalRunStatuses: readonly PipelineRunStatus[] = ['succeeded', 'failed', 'cancelled'];
export const terminalTaskStatuses: readonly TaskStatus[] = ['succeeded', 'failed', 'skipped', 'upstream_failed', 'cancelled'];
