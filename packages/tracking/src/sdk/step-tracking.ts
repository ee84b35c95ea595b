import type { StepTracking } from '@mlp/core';
import { createTracking, type TrackingWorkspace } from './create-tracking.js';
import type { TrackingOptions } from './tracking-options.js';

/**
 * The tracking runs of pipeline steps that ask for one (`step('train', { tracking: true }, ...)` in
 * `@mlp/orchestrate` gives `ctx.run`), on `workspace`: each attempt's run goes into the experiment
 * named after the pipeline, tagged with the pipeline run, task and attempt, and ends with the task's
 * outcome. Register it where steps run: `workspace.plugins.register('stepTracking', createStepTracking(workspace))`;
 * `mlp pipeline run` and `mlp worker` do this themselves when this package is installed.
 */
export function createStepTracking(workspace: TrackingWorkspace, options: TrackingOptions = {}): StepTracking {
  return {
    name: 'mlp-tracking',
    async start(input) {
      // A tracking handle per attempt: nothing outlives the task, whichever process runs it.
      const tracking = createTracking(workspace, options);
      try {
        const run = await tracking.startRun({ experiment: input.experiment, name: input.name, tags: input.tags });
        return {
          run,
          async end(status) {
            try {
              await run.end(status);
            } finally {
              await tracking.close();
            }
          },
        };
      } catch (error) {
        await tracking.close();
        throw error;
      }
    },
  } satisfies StepTracking;
}
