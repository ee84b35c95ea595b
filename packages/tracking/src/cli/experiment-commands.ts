import type { CliCommandModule, CliContext } from '@mlp/cli';
import { viewTypeFromFlags } from './command-options.js';
import { experimentsTable } from './experiments-table.js';
import { listAllExperiments, resolveExperiment } from './find-experiments.js';
import { toExperimentJson } from './json-shapes.js';
import { openTrackingStore } from './open-tracking-store.js';

type Program = Parameters<CliCommandModule['register']>[0];

/** `mlp experiments ls|create|delete|restore`. */
export function registerExperimentCommands(program: Program, context: CliContext): void {
  const experiments = program.command('experiments').description('list, create, delete and restore experiments');

  experiments
    .command('ls')
    .alias('list')
    .description('list experiments (active ones unless --all or --deleted)')
    .addOption(experiments.createOption('--all', 'include deleted experiments').conflicts('deleted'))
    .addOption(experiments.createOption('--deleted', 'only deleted experiments'))
    .action(async (flags: { all?: boolean; deleted?: boolean }) => {
      const { store } = await openTrackingStore(context);
      const found = await listAllExperiments(store, viewTypeFromFlags(flags));
      const human = found.length === 0 ? 'No experiments. Create one with `mlp experiments create NAME`.' : experimentsTable(found);
      context.output(human, found.map(toExperimentJson));
    });

  experiments
    .command('create')
    .description('create an experiment; its artifacts go to the workspace blob store')
    .argument('<name>', 'a unique name (deleted experiments keep theirs)')
    .action(async (name: string) => {
      const { store } = await openTrackingStore(context);
      const experiment = await store.createExperiment({ name });
      context.output(
        `Created experiment ${JSON.stringify(experiment.name)} with id ${experiment.experimentId}.`,
        toExperimentJson(experiment),
      );
    });

  experiments
    .command('delete')
    .description('mark an experiment deleted (restorable with `mlp experiments restore`)')
    .argument('<name-or-id>', 'the experiment name or id')
    .action(async (nameOrId: string) => {
      const { store } = await openTrackingStore(context);
      const experiment = await resolveExperiment(store, nameOrId);
      await store.deleteExperiment(experiment.experimentId);
      const deleted = await store.getExperiment(experiment.experimentId);
      context.output(
        `Deleted experiment ${JSON.stringify(deleted.name)} (id ${deleted.experimentId}); undo with \`mlp experiments restore ${deleted.experimentId}\`.`,
        toExperimentJson(deleted),
      );
    });

  experiments
    .command('restore')
    .description('restore a deleted experiment')
    .argument('<name-or-id>', 'the experiment name or id')
    .action(async (nameOrId: string) => {
      const { store } = await openTrackingStore(context);
      const experiment = await resolveExperiment(store, nameOrId);
      await store.restoreExperiment(experiment.experimentId);
      const restored = await store.getExperiment(experiment.experimentId);
      context.output(`Restored experiment ${JSON.stringify(restored.name)} (id ${restored.experimentId}).`, toExperimentJson(restored));
    });
}
