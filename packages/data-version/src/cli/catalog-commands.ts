import type { CliContext, TextTable } from '@mlp/cli';
import { currentActor, datasetSummaryJson, datasetVersionJson, type MigrationSet, MlpError } from '@mlp/core';
import type { DatasetSource, DatasetSummary, DatasetVersion } from '../catalog/catalog-model.js';
import { type DatasetCatalog, openDatasetCatalog } from '../catalog/dataset-catalog.js';
import { migrations } from '../generated/migrations.js';
import type { DataCommandGroup } from './data-command-group.js';
import { registerIngestCommand } from './ingest-command.js';
import { openCliDataRepo } from './open-cli-data-repo.js';
import { formatBytes } from './progress-format.js';

/** The `mlp data` command group (a commander Command). */

/** Migrations the catalog commands need; the `data` module declares them so `mlp doctor` checks them. */
export const catalogMigrations: readonly MigrationSet[] = [migrations];

/** The catalog on the CLI's workspace, over the project's data repository; `resolve` maps user paths like the shell. */
export async function openCliCatalog(context: CliContext): Promise<{ catalog: DatasetCatalog; resolve: (target: string) => string }> {
  const workspace = await context.openWorkspace();
  const { repo, resolve } = await openCliDataRepo(context);
  return { catalog: await openDatasetCatalog(workspace, { repo, user: currentActor({ env: context.env }) }), resolve };
}

function parseLimit(value: string): number {
  const limit = Number(value);
  if (!Number.isSafeInteger(limit) || limit < 1)
    throw new MlpError('INVALID_ARGUMENT', `--limit must be a whole number ≥ 1, not ${JSON.stringify(value)}.`);
  return limit;
}

const day = (date: Date) => date.toISOString().slice(0, 16).replace('T', ' ');

export function describeSource(source: DatasetSource | null): string {
  if (!source) return '-';
  return source.kind === 'postgres' && source.query ? `${source.uri} (${source.query})` : source.uri;
}

function rows(version: DatasetVersion): string {
  return version.schema ? version.schema.rowCount.toLocaleString('en-US') : '-';
}

export function datasetsTable(datasets: readonly DatasetSummary[]): TextTable {
  return {
    columns: ['dataset', 'latest', 'versions', 'size', 'rows', 'updated', 'description'],
    rows: datasets.map((dataset) => [
      dataset.name,
      dataset.latest ? `@${dataset.latest.version}${dataset.latest.tags.length ? ` (${dataset.latest.tags.join(', ')})` : ''}` : '-',
      String(dataset.versionCount),
      dataset.latest ? formatBytes(dataset.latest.size) : '-',
      dataset.latest ? rows(dataset.latest) : '-',
      dataset.latest ? day(dataset.latest.createdAt) : '-',
      dataset.description,
    ]),
  };
}

export function versionsTable(versions: readonly DatasetVersion[]): TextTable {
  return {
    columns: ['version', 'tags', 'hash', 'size', 'rows', 'created', 'by', 'source'],
    rows: versions.map((version) => [
      version.ref,
      version.tags.join(', '),
      version.rootHash.endsWith('.dir') ? `${version.rootHash.slice(0, 12)}….dir` : version.rootHash.slice(0, 12),
      version.nfiles > 1 ? `${formatBytes(version.size)} / ${version.nfiles} files` : formatBytes(version.size),
      rows(version),
      day(version.createdAt),
      version.createdBy,
      describeSource(version.source),
    ]),
  };
}

/** One version's facts, then its columns when it is tabular. */
export function versionDetails(version: DatasetVersion): string {
  const facts: [string, string][] = [
    ['version', version.ref],
    ['tags', version.tags.join(', ') || '-'],
    ['path', version.path],
    ['hash', version.rootHash],
    ['size', version.nfiles > 1 ? `${formatBytes(version.size)} in ${version.nfiles} files` : formatBytes(version.size)],
    ['format', version.format ?? '-'],
    ['rows', rows(version)],
    ['source', describeSource(version.source)],
    ['created', `${day(version.createdAt)} by ${version.createdBy || '?'}`],
  ];
  if (version.message) facts.push(['message', version.message]);
  const width = Math.max(...facts.map(([label]) => label.length));
  const lines = facts.map(([label, value]) => `${label.padEnd(width)}  ${value}`);
  if (version.schema) {
    const nameWidth = Math.max(...version.schema.columns.map((column) => column.name.length));
    lines.push('', 'columns:', ...version.schema.columns.map((column) => `  ${column.name.padEnd(nameWidth)}  ${column.type}`));
  }
  return lines.join('\n');
}

/** `mlp data ls|log|show|tag` and `mlp data ingest SOURCE --to PATH`. */
export function registerCatalogCommands(data: DataCommandGroup, context: CliContext): void {
  data
    .command('ls')
    .alias('list')
    .description('list datasets with their latest version')
    .action(async () => {
      const { catalog } = await openCliCatalog(context);
      const datasets = await catalog.listDatasets();
      context.output(
        datasets.length === 0 ? 'No datasets yet. Create one with `mlp data ingest SOURCE --to PATH`.' : datasetsTable(datasets),
        datasets.map(datasetSummaryJson),
      );
    });

  data
    .command('log')
    .description("list a dataset's versions, newest first, with tags, size, rows, author and source")
    .argument('<name>', 'the dataset')
    .option('-n, --limit <n>', 'show at most n versions')
    .action(async (name: string, flags: { limit?: string }) => {
      const limit = flags.limit === undefined ? undefined : parseLimit(flags.limit);
      const { catalog } = await openCliCatalog(context);
      const versions = await catalog.listVersions(name, limit === undefined ? {} : { limit });
      context.output(
        versions.length === 0 ? `Dataset ${name} has no versions yet.` : versionsTable(versions),
        versions.map(datasetVersionJson),
      );
    });

  data
    .command('show')
    .description('show one version: hash, size, rows, source, author, and its columns and types')
    .argument('<ref>', 'NAME@N, NAME@latest, NAME@TAG or NAME')
    .action(async (ref: string) => {
      const { catalog } = await openCliCatalog(context);
      const version = await catalog.getVersion(ref);
      context.output(versionDetails(version), datasetVersionJson(version));
    });

  data
    .command('tag')
    .description('point a tag (such as train-2026-11) at a version, moving it if it pointed elsewhere')
    .argument('<ref>', 'the version: NAME@N, NAME@latest or NAME@TAG (with --delete, NAME)')
    .argument('<tag>', 'the tag')
    .option('-d, --delete', 'remove the tag instead')
    .action(async (ref: string, tag: string, flags: { delete?: boolean }) => {
      const { catalog } = await openCliCatalog(context);
      if (flags.delete) {
        const dataset = ref.split('@')[0] ?? ref;
        await catalog.untag(dataset, tag);
        context.output(`Removed tag ${tag} of ${dataset}.`, { dataset, tag, deleted: true });
        return;
      }
      const version = await catalog.tag(ref, tag);
      context.output(`${version.dataset}@${tag} → ${version.ref}`, datasetVersionJson(version));
    });

  registerIngestCommand(data, context, openCliCatalog);
}
