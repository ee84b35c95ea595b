import { MlpError, type StartedStepTracking, type StepTrackingStatus, type Workspace } from '@mlp/core';
import type { TaskAssignment } from '../executor/executor.js';

/**
 * Starts the tracking run of a task attempt whose step asks for one, with the workspace's
 * `stepTracking` provider: in the experiment named after the pipeline, named after the step (and map
 * item), tagged with the pipeline run, task and attempt. No provider is a FAILED_PRECONDITION saying where to get one.
 */
export async function startStepTracking(workspace: Workspace, assignment: TaskAssignment, mapIndex: number): Promise<StartedStepTracking> {
  const [provider] = workspace.plugins.list('stepTracking');
  const step = assignment.step;
  const pipeline = assignment.pipeline.name;
  if (!provider)
    throw new MlpError(
      'FAILED_PRECONDITION',
      `step '${step}' of pipeline '${pipeline}' asks for a tracking run (tracking: true), but this process has no tracking provider: install @mlp/tracking and run the pipeline with \`mlp pipeline run\` (or its tasks on \`mlp worker\`), or register one before starting the run: workspace.plugins.register('stepTracking', createStepTracking(workspace)).`,
    );
  return provider.start({
    experiment: pipeline,
    name: mapIndex < 0 ? step : `${step}[${mapIndex}]`,
    tags: {
      'mlp.pipeline.name': pipeline,
      'mlp.pipeline.run_id': assignment.runId,
      'mlp.pipeline.task_id': assignment.taskId,
      'mlp.pipeline.step': step,
      'mlp.pipeline.attempt': String(assignment.attempt),
    },
  });
}

/** Ends a step's tracking run with the task's outcome; a failure to end it is logged, never the task's failure. */
export async function endStepTracking(
  workspace: Workspace,
  tracked: StartedStepTracking | undefined,
  status: StepTrackingStatus,
): Promise<void> {
  if (!tracked) return;
  await tracked
    .end(status)
    .catch((error: unknown) =>
      workspace.logger.warn({ err: error, trackingRun: tracked.run.runId }, `could not end tracking run ${tracked.run.runId} as ${status}`),
    );
}
