/** How a step's tracking run ends: FINISHED when the step succeeded, FAILED when it threw, KILLED when it was cancelled. */
export type StepTrackingStatus = 'FINISHED' | 'FAILED' | 'KILLED';

/** The part of a tracking run a pipeline step logs to (what `ctx.run` is, in a step that asks for one). */
export interface StepTrackingRun {
  readonly runId: string;
  readonly experimentId: string;
  logParams(params: Record<string, string | number | boolean>): void;
  /** Buffers metric points; a returned promise is backpressure (await it when logging many). */
  logMetrics(metrics: Record<string, number>, options?: { step?: number }): Promise<void> | undefined;
  setTags(tags: Record<string, string | number | boolean>): void;
  /** Uploads a local file, or bytes to `path`, under the run's artifacts. */
  logArtifact(fileOrBytes: string | Uint8Array, options?: { path?: string }): Promise<unknown>;
}

/** What the tracking run of one task attempt is started with. */
export interface StepTrackingStart {
  /** The experiment: the pipeline's name, created when missing. */
  experiment: string;
  /** The run's name: the step's (`train`, or `score[3]` for a map item). */
  name: string;
  /** Tags naming the pipeline, its run, the task and the attempt (`mlp.pipeline.run_id`, ...). */
  tags: Record<string, string>;
}

/** A started step run, and how to end it with the task's outcome. */
export interface StartedStepTracking {
  readonly run: StepTrackingRun;
  end(status: StepTrackingStatus): Promise<void>;
}

/**
 * Starts a tracking run for a pipeline step that asks for one (`step('train', { tracking: true }, ...)`
 * gives `ctx.run`), in the workspace it was created for. Provided by `@mlp/tracking`
 * (`createStepTracking(workspace)`), consumed by `@mlp/orchestrate`, which finds it in that workspace's
 * `stepTracking` plugin slot (`mlp` commands register it there); neither package imports the other.
 */
export interface StepTracking {
  readonly name: string;
  start(input: StepTrackingStart): Promise<StartedStepTracking>;
}
