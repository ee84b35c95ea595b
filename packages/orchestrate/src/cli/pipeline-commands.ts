import type { CliCommandModule } from '@mlp/cli';
import { jobMigrations } from '../executor/queue/job-protocol.js';
import { openJobQueue } from '../executor/queue/job-queue.js';
import { migrations } from '../generated/migrations.js';
import { registerQueueCommands } from './queue-commands.js';
import { registerRunCommands } from './run-commands.js';

/**
 * The orchestrate commands of `mlp`: `pipeline run|ls|runs|show|logs|retry|cancel`, and the queue's
 * `worker`, `scheduler` and `pipeline trigger|backfill|schedules`.
 */
export const orchestrateCommands: CliCommandModule = {
  name: 'orchestrate',
  migrations: [migrations, jobMigrations],
  // Jobs on the workspace's queue, run by `mlp worker`: how `mlp train --trials-on queue` fans out its trials.
  services: { jobQueue: async (context) => context.closeAfter(await openJobQueue(await context.openWorkspace())) },
  register(program, context) {
    const pipeline = program.command('pipeline').description('pipelines in code: runs, logs, retries, schedules and triggers');
    registerRunCommands(pipeline, context);
    registerQueueCommands(program, context);
  },
};
