import type { Workspace } from '@mlp/core';
import type { PipelineRef } from '../pipeline/pipeline-types.js';

export type { PipelineRef } from '../pipeline/pipeline-types.js';

/** One attempt of one task, as the run engine hands it to an executor. */
export interface TaskAssignment {
  runId: string;
  taskId: string;
  /** 1 for the first attempt; also the fence a late writer is checked against. */
  attempt: number;
  pipeline: PipelineRef;
  step: string;
  mapIndex?: number;
  timeoutMs?: number;
}

export type TaskOutcome =
  | { status: 'succeeded' }
  | { status: 'failed'; error: { message: string; stack?: string; code?: string } }
  | { status: 'cancelled' };

/**
 * Runs attempts. An executor only runs one attempt (through `executeTaskAttempt`, in whatever
 * process it chooses); the run engine owns state transitions and retries. `signal` aborts on cancel
 * and timeout: the executor must then stop the attempt and resolve (`cancelled`, or `failed` on timeout).
 */
export interface TaskExecutor {
  readonly name: string;
  execute(task: TaskAssignment, signal: AbortSignal): Promise<TaskOutcome>;
  close(): Promise<void>;
}

/** How an executor is made from a workspace: what `--executor NAME` resolves. */
export interface ExecutorPlugin {
  readonly name: string;
  open(workspace: Workspace, options: { concurrency?: number }): Promise<TaskExecutor>;
}

declare module '@mlp/core' {
  interface PluginSlots {
    executor: ExecutorPlugin;
  }
}
