import type { CliCommandModule } from '@mlp/cli';
import { migrations } from '../generated/migrations.js';
import { registerModelCommands } from './model-commands.js';
import { openCliRegistry } from './open-cli-registry.js';

/**
 * The registry commands of `mlp`: `models …`. The migrations are declared so `mlp doctor` checks them
 * and every command applies them.
 */
export const registryCommands: CliCommandModule = {
  name: 'registry',
  migrations: [migrations],
  // `mlp predict models:/name@alias` downloads the version through this, without train depending on the registry.
  services: { modelRegistry: openCliRegistry },
  register(program, context) {
    registerModelCommands(program, context);
  },
};
