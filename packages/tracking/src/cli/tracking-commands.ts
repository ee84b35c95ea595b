import type { CliCommandModule } from '@mlp/cli';
import { migrations } from '../generated/migrations.js';
import { createStepTracking } from '../sdk/step-tracking.js';
import { registerArtifactCommands } from './artifact-commands.js';
import { registerExperimentCommands } from './experiment-commands.js';
import { registerRunCommands } from './run-commands.js';

/**
 * The tracking commands of `mlp`: `experiments`, `runs` and `artifacts`. `mlp server` lives in
 * @mlp/server. The migrations are declared so `mlp doctor` checks them and every command applies them.
 */
export const trackingCommands: CliCommandModule = {
  name: 'tracking',
  migrations: [migrations],
  // `mlp pipeline run` and `mlp worker` give steps that ask for one a tracking run (`ctx.run`) through this.
  services: { stepTracking: async (context) => createStepTracking(await context.openWorkspace()) },
  register(program, context) {
    registerExperimentCommands(program, context);
    registerRunCommands(program, context);
    registerArtifactCommands(program, context);
  },
};
