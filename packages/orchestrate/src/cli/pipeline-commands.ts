import type { CliCommandModule } from '@mlp/cli';
import { migrations } from '../generated/migrations.js';
import { registerQueueCommands } from './queue-commands.js';
import { registerRunCommands } from './run-commands.js';

/**
 * The orchestrate commands of `mlp`: `pipeline run|ls|runs|show|logs|retry|cancel`, and the queue's
 * `worker`, `scheduler` and `pipeline trigger|backfill|schedules`.
 */
export const orchestrateCommands: CliCommandModule = {
  name: 'orchestrate',
  migrations: [migrations],
  register(program, context) {
    const pipeline = program.command('pipeline').description('pipelines in code: runs, logs, retries, schedules and triggers');
    registerRunCommands(pipeline, context);
    registerQueueCommands(program, context);
  },
};
