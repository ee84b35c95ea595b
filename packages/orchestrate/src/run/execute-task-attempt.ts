import { MlpError, type Workspace } from '@mlp/core';
import type { TaskAssignment, TaskOutcome } from '../executor/executor.js';
import type { Pipeline } from '../pipeline/define-pipeline.js';

export interface ExecuteTaskOptions {
  /** The pipeline already in memory (the in-process executor): skips loading its module. */
  pipeline?: Pipeline;
}

/**
 * Runs one attempt of one task, in whatever process calls it (in-process, a child process, a queue
 * worker, a Kubernetes Job): loads the pipeline module (checking its source hash), reads the step's
 * inputs and params from the store, runs the step, and writes its output, logs and the attempt's
 * result, fenced by the attempt number so a superseded attempt writes nothing.
 */
export async function executeTaskAttempt(
  workspace: Workspace,
  assignment: TaskAssignment,
  signal: AbortSignal,
  options: ExecuteTaskOptions = {},
): Promise<TaskOutcome> {
  void workspace;
  void assignment;
  void signal;
  void options;
  throw new MlpError('INTERNAL', 'not yet');
}
