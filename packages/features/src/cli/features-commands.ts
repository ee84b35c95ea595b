import path from 'node:path';
import type { CliCommandModule, CliContext } from '@mlp/cli';
import { MlpError } from '@mlp/core';
import { describeSource } from '../definitions/feature-source.js';
import { migrations } from '../generated/migrations.js';
import { openOfflineStore } from '../offline/open-offline-store.js';
import { openFeatureRegistry } from '../registry/open-feature-registry.js';
import { applyJson, loadJson, trainingSetJson, viewJson } from './json-shapes.js';
import { loadDefinitions } from './load-definitions.js';
import { onlineFeaturesService, registerOnlineCommands } from './online-commands.js';

type Command = ReturnType<Parameters<CliCommandModule['register']>[0]['command']>;

const ttlText = (ms: number) => {
  if (ms === 0) return 'none';
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const)
    if (ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
};

async function openRegistry(context: CliContext, name: string) {
  const workspace = await context.openWorkspace({ applicationName: `mlp features ${name}` });
  const datasets = await context.service('datasetCatalog');
  const registry = await openFeatureRegistry(workspace, datasets ? { datasets } : {});
  return { workspace, registry, datasets };
}

function registerApply(features: Command, context: CliContext): void {
  features
    .command('apply <file>')
    .description('record the entities, feature views and on-demand features a module exports (.ts, .js, .mjs), versioned')
    .option('--force', 'apply even when a feature changed its type (a new version; old versions keep their data)')
    .option('--dry-run', 'check everything and report what would change, writing nothing')
    .action(async (file: string, flags: { force?: boolean; dryRun?: boolean }) => {
      context.progress(`loading ${file}`);
      const definitions = await loadDefinitions(file, context.workspaceDir);
      const { registry } = await openRegistry(context, 'apply');
      context.progress('checking sources');
      const result = await registry.apply(definitions, { force: Boolean(flags.force), dryRun: Boolean(flags.dryRun) });
      const rows = [
        ...result.entities.map((item) => ['entity', item.name, String(item.version), item.status]),
        ...result.views.map((item) => ['view', item.name, String(item.version), item.status]),
        ...result.onDemand.map((item) => ['on-demand', item.name, String(item.version), item.status]),
      ];
      const changed = rows.filter((row) => row[3] !== 'unchanged').length;
      context.output(
        {
          columns: ['kind', 'name', 'version', 'status'],
          rows,
          footer: flags.dryRun
            ? `Dry run: ${changed} would change; nothing was written.`
            : `${changed} changed, ${rows.length - changed} unchanged.`,
        },
        applyJson(result, Boolean(flags.dryRun)),
      );
    });
}

function registerList(features: Command, context: CliContext): void {
  features
    .command('ls')
    .description('the applied feature views (latest versions) and entities')
    .action(async () => {
      const { registry } = await openRegistry(context, 'ls');
      const views = await registry.listViews();
      const entities = await registry.listEntities();
      context.output(
        {
          columns: ['view', 'version', 'entities', 'features', 'ttl', 'source'],
          rows: views.map((view) => [
            view.name,
            String(view.version),
            view.entities.map((item) => item.name).join(', '),
            String(view.features.length),
            ttlText(view.ttlMs),
            describeSource(view.source),
          ]),
          footer:
            views.length === 0
              ? 'No feature views yet: apply some with `mlp features apply FILE`.'
              : `${views.length} views, ${entities.length} entities.`,
        },
        {
          views: views.map(viewJson),
          entities: entities.map((item) => ({
            name: item.name,
            join_keys: item.joinKeys.map((key) => ({ name: key.name, type: key.type })),
            description: item.description,
          })),
        },
      );
    });
}

function registerShow(features: Command, context: CliContext): void {
  features
    .command('show <view>')
    .description("a feature view: its features, entities, source, TTL, versions and its offline table's last load")
    .option('--version <n>', 'a version other than the latest')
    .action(async (name: string, flags: { version?: string }) => {
      const version = flags.version === undefined ? undefined : Number(flags.version);
      if (version !== undefined && (!Number.isSafeInteger(version) || version < 1))
        throw new MlpError('INVALID_ARGUMENT', `--version ${flags.version} is not a version number (1, 2, …).`);
      const { workspace, registry, datasets } = await openRegistry(context, 'show');
      const view = await registry.getView(name, version);
      const versions = await registry.listVersions(name);
      const offline = await openOfflineStore(workspace, { registry, datasets });
      const load = await offline.lastLoad(view.name, view.version);
      const lines = [
        `${view.name} v${view.version}${view.description ? `: ${view.description}` : ''}`,
        `  entities:  ${view.entities.map((item) => `${item.name} (${item.joinKeys.map((key) => `${key.name}: ${key.type}`).join(', ')})`).join('; ')}`,
        `  source:    ${describeSource(view.source)}, event time ${view.timestampColumn}`,
        `  ttl:       ${ttlText(view.ttlMs)}`,
        '  features:',
        ...view.features.map((feature) => `    ${feature.name}: ${feature.type}`),
        `  versions:  ${versions.map((item) => `v${item.version} (${new Date(item.createdAt).toISOString()})`).join(', ')}`,
        `  offline:   ${load ? `${load.rows} rows loaded ${new Date(load.loadedAt).toISOString()}${load.sourceState.kind === 'dataset' ? ` from ${load.sourceState.ref}` : ''}` : 'not loaded yet (a training set or materialize loads it)'}`,
      ];
      context.output(lines.join('\n'), {
        ...viewJson(view),
        versions: versions.map((item) => ({ version: item.version, fingerprint: item.fingerprint, created_at: item.createdAt })),
        offline: loadJson(load),
      });
    });
}

interface TrainingSetFlags {
  entities?: string;
  features: string[];
  out?: string;
  timestampColumn: string;
  refresh?: boolean;
  dataset?: string;
}

function registerTrainingSet(features: Command, context: CliContext): void {
  features
    .command('training-set')
    .description('a point-in-time correct training set: each entity row with the feature values known at its event time')
    .option('--entities <file>', 'the entity rows (CSV, Parquet, JSON): join keys, the event time, any labels; required')
    .option('--features <refs...>', 'VIEW:f1,f2 (or VIEW for all its features), one or more; required', [])
    .option('--out <file>', 'where to write it, .csv or .parquet; required')
    .option('--timestamp-column <name>', "the entity rows' event-time column", 'event_timestamp')
    .option('--refresh', 'reload the views from their sources first')
    .option(
      '--dataset <name>',
      'also version the written file as the next version of this dataset (needs @mlp/data-version; --out inside the workspace)',
    )
    .action(async (flags: TrainingSetFlags) => {
      if (!flags.entities || !flags.out || flags.features.length === 0) {
        throw new MlpError(
          'INVALID_ARGUMENT',
          'mlp features training-set needs --entities FILE, --features VIEW:f1,f2 [VIEW2:f3] and --out FILE (.csv or .parquet).',
        );
      }
      const writer = flags.dataset ? await context.service('datasetWriter') : undefined;
      if (flags.dataset && !writer) {
        throw new MlpError('FAILED_PRECONDITION', '--dataset needs the dataset catalog: install @mlp/data-version beside @mlp/features.');
      }
      const { workspace, registry, datasets } = await openRegistry(context, 'training-set');
      const offline = await openOfflineStore(workspace, { registry, datasets });
      const set = context.closeAfter(
        await offline.trainingSet({
          entities: { file: path.resolve(context.workspaceDir, flags.entities) },
          features: flags.features,
          timestampColumn: flags.timestampColumn,
          refresh: Boolean(flags.refresh),
          onProgress: (event) => context.progress(event.message),
        }),
      );
      const out = path.resolve(context.workspaceDir, flags.out);
      const written = await set.writeFile(out);
      let dataset: { ref: string; root_hash: string } | null = null;
      if (flags.dataset && writer) {
        context.progress(`versioning ${flags.out} as ${flags.dataset}`);
        const views = set.views.map((view) => `${view.name}@${view.version}`).join(',');
        const from = set.views
          .map(
            (view) =>
              `${view.name} v${view.version} (${describeSource(view.source)}${view.datasetVersion ? ` ${view.datasetVersion.rootHash}` : ''}): ${view.features.join(', ')}`,
          )
          .join('; ');
        const added = await writer.addVersion({
          dataset: flags.dataset,
          path: out,
          source: { kind: 'features', uri: `features:${views}` },
          message: `point-in-time training set of ${path.basename(flags.entities)} from ${from}`,
        });
        dataset = { ref: added.version.ref, root_hash: added.version.rootHash };
      }
      const human = `Wrote ${written.rows} rows × ${set.columns.length} columns to ${flags.out} (${written.format}) from ${set.views.map((view) => `${view.name} v${view.version}`).join(', ')}.${dataset ? ` Versioned as ${dataset.ref}.` : ''}`;
      context.output(human, trainingSetJson(set, { ...written, path: flags.out }, dataset));
    });
}

/** The `mlp features` commands: apply, ls, show, training-set (and the online side's materialize and get). */
export const featuresCommands: CliCommandModule = {
  name: 'features',
  migrations: [migrations],
  services: { onlineFeatures: onlineFeaturesService },
  register(program, context) {
    const features = program.command('features').description('feature views in code, point-in-time training sets, online features');
    registerApply(features, context);
    registerList(features, context);
    registerShow(features, context);
    registerTrainingSet(features, context);
    registerOnlineCommands(features, context);
  },
};
