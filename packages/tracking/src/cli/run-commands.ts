import type { CliCommandModule, CliContext } from '@mlp/cli';
import type { Run } from '../model.js';
import { compareRuns } from '../sdk/compare-runs.js';
import { compileSearch, searchMaxResultsDefault, searchMaxResultsLimit } from '../search/compile-search.js';
import { parseOrderBy } from '../search/order-by-parser.js';
import type { TrackingStore } from '../store/tracking-store.js';
import { collect, parseLimit, viewTypeFromFlags } from './command-options.js';
import { comparisonJson, comparisonTable } from './compare-runs.js';
import { listAllExperiments, resolveExperiment } from './find-experiments.js';
import { toRunJson } from './json-shapes.js';
import { openTrackingStore } from './open-tracking-store.js';
import { runDetailsTable } from './run-details-table.js';
import { runsTable } from './runs-table.js';

type Program = Parameters<CliCommandModule['register']>[0];

interface ListFlags {
  experiment?: string[];
  filter?: string;
  orderBy?: string[];
  limit?: string;
  all?: boolean;
  deleted?: boolean;
}

/** `mlp runs ls|show|compare|delete|restore`. */
export function registerRunCommands(program: Program, context: CliContext): void {
  const runs = program.command('runs').description('search, show, compare, delete and restore runs');

  runs
    .command('ls')
    .alias('list')
    .description('list runs matching an MLflow filter, newest first; searches every active experiment unless --experiment is given')
    .option(
      '-e, --experiment <name-or-id>',
      'an experiment to search, by name or id (repeatable; default: all active experiments)',
      collect,
    )
    .option('--filter <expr>', `an MLflow filter, such as "metrics.rmse < 0.5 and params.model = 'mlp'"`)
    .option('--order-by <expr>', 'an MLflow order_by item, such as "metrics.rmse DESC" (repeatable)', collect)
    .option('--limit <n>', `list at most n runs (default ${searchMaxResultsDefault})`)
    .addOption(runs.createOption('--all', 'include deleted runs').conflicts('deleted'))
    .addOption(runs.createOption('--deleted', 'only deleted runs'))
    .action(async (flags: ListFlags) => {
      const limit = flags.limit === undefined ? searchMaxResultsDefault : parseLimit(flags.limit);
      const orderBy = flags.orderBy ?? [];
      // Checked before the workspace opens, so a typo in a filter fails at once, with its position.
      compileSearch({ filter: flags.filter, orderBy });
      const { store } = await openTrackingStore(context);
      const experimentIds = await experimentScope(store, flags.experiment ?? []);
      const found = await searchUpTo(store, limit, {
        experimentIds,
        orderBy,
        viewType: viewTypeFromFlags(flags),
        ...(flags.filter === undefined ? {} : { filter: flags.filter }),
      });
      const listed = found.slice(0, limit);
      const preferredMetrics = parseOrderBy(orderBy).flatMap((term) => (term.type === 'metric' ? [term.key] : []));
      const scope = flags.experiment?.length ? `the given experiment${experimentIds.length === 1 ? '' : 's'}` : 'any active experiment';
      const human =
        listed.length === 0
          ? `No runs match in ${scope}.`
          : runsTable(listed, { now: Date.now(), preferredMetrics, ...(found.length > limit ? { truncatedAt: limit } : {}) });
      context.output(human, listed.map(toRunJson));
    });

  runs
    .command('show')
    .description("show a run's attributes, params, latest metrics and tags")
    .argument('<run-id>', 'the run id')
    .action(async (runId: string) => {
      const { store } = await openTrackingStore(context);
      const run = await store.getRun(runId);
      const experiment = await store.getExperiment(run.experimentId).catch(() => undefined);
      context.output(runDetailsTable(run, experiment, Date.now()), toRunJson(run));
    });

  runs
    .command('compare')
    .description('put the params and latest metrics of runs side by side; params that differ are marked with *')
    .argument('<run-ids...>', 'the runs to compare')
    .action(async (runIds: string[]) => {
      const { store } = await openTrackingStore(context);
      const compared: Run[] = [];
      for (const runId of new Set(runIds)) compared.push(await store.getRun(runId));
      const comparison = compareRuns(compared);
      context.output(comparisonTable(comparison), comparisonJson(comparison));
    });

  runs
    .command('delete')
    .description('mark a run deleted (restorable with `mlp runs restore`)')
    .argument('<run-id>', 'the run id')
    .action(async (runId: string) => {
      const { store } = await openTrackingStore(context);
      await store.deleteRun(runId);
      context.output(`Deleted run ${runId}; undo with \`mlp runs restore ${runId}\`.`, { run_id: runId, lifecycle_stage: 'deleted' });
    });

  runs
    .command('restore')
    .description('restore a deleted run')
    .argument('<run-id>', 'the run id')
    .action(async (runId: string) => {
      const { store } = await openTrackingStore(context);
      await store.restoreRun(runId);
      context.output(`Restored run ${runId}.`, { run_id: runId, lifecycle_stage: 'active' });
    });
}

/** The ids of the named experiments, or of every active experiment when none is named. */
async function experimentScope(store: TrackingStore, namesOrIds: readonly string[]): Promise<string[]> {
  if (namesOrIds.length > 0) {
    const ids: string[] = [];
    for (const nameOrId of namesOrIds) ids.push((await resolveExperiment(store, nameOrId)).experimentId);
    return [...new Set(ids)];
  }
  return (await listAllExperiments(store, 'ACTIVE_ONLY')).map((experiment) => experiment.experimentId);
}

/** Up to `limit + 1` runs over as many pages as needed: the extra one tells whether more match. */
async function searchUpTo(
  store: TrackingStore,
  limit: number,
  input: Omit<Parameters<TrackingStore['searchRuns']>[0], 'maxResults' | 'pageToken'>,
): Promise<Run[]> {
  const wanted = limit + 1;
  const found: Run[] = [];
  let pageToken: string | undefined;
  do {
    const page = await store.searchRuns({
      ...input,
      maxResults: Math.min(wanted - found.length, searchMaxResultsLimit),
      ...(pageToken ? { pageToken } : {}),
    });
    found.push(...page.items);
    pageToken = page.nextPageToken;
  } while (pageToken && found.length < wanted);
  return found;
}
