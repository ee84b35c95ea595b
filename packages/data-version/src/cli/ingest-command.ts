import type { CliContext } from '@mlp/cli';
import { MlpError, plural } from '@mlp/core';
import { assertTabularFormat } from '@mlp/core/tabular';
import type { DatasetCatalog } from '../catalog/dataset-catalog.js';
import { type IngestFormat, type IngestOptions, type IngestProgress, ingestFormats } from '../ingest/ingest-options.js';
import { sourceKind } from '../ingest/source-kind.js';
import type { DataCommandGroup } from './data-command-group.js';
import { ingestJson } from './json-shapes.js';
import { formatBytes } from './progress-format.js';

interface IngestFlags {
  to: string;
  name?: string;
  format?: string;
  query?: string;
  sourceFormat?: string;
  tag?: string[];
  message?: string;
  batchSize?: string;
}

type OpenCatalog = (context: CliContext) => Promise<{ catalog: DatasetCatalog; resolve: (target: string) => string }>;

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** The progress line of an ingestion phase. */
export function ingestProgressLine(progress: IngestProgress): string {
  switch (progress.phase) {
    case 'download':
      return `Downloading ${formatBytes(progress.bytes ?? 0)}${progress.totalBytes === undefined ? '' : ` of ${formatBytes(progress.totalBytes)}`}`;
    case 'query':
      return `Reading query result: ${(progress.rows ?? 0).toLocaleString('en-US')} rows`;
    case 'convert':
      return 'Converting';
    case 'version':
      return 'Versioning';
  }
}

/** Flags as ingest options; local paths are taken relative to the folder the user is in. */
export function ingestOptionsFromFlags(source: string, flags: IngestFlags, resolve: (target: string) => string): IngestOptions {
  if (flags.format !== undefined && !(ingestFormats as readonly string[]).includes(flags.format)) {
    throw new MlpError('INVALID_ARGUMENT', `--format must be ${ingestFormats.join(' or ')}, not ${JSON.stringify(flags.format)}.`);
  }
  let batchSize: number | undefined;
  if (flags.batchSize !== undefined) {
    batchSize = Number(flags.batchSize);
    if (!Number.isSafeInteger(batchSize) || batchSize < 1)
      throw new MlpError('INVALID_ARGUMENT', `--batch-size must be a whole number ≥ 1, not ${JSON.stringify(flags.batchSize)}.`);
  }
  return {
    source: sourceKind(source) === 'file' && !source.startsWith('file://') ? resolve(source) : source,
    to: resolve(flags.to),
    ...(flags.name === undefined ? {} : { name: flags.name }),
    ...(flags.format === undefined ? {} : { format: flags.format as IngestFormat }),
    ...(flags.query === undefined ? {} : { query: flags.query }),
    ...(flags.sourceFormat === undefined ? {} : { sourceFormat: assertTabularFormat(flags.sourceFormat) }),
    ...(flags.tag === undefined ? {} : { tags: flags.tag }),
    ...(flags.message === undefined ? {} : { message: flags.message }),
    ...(batchSize === undefined ? {} : { batchSize }),
  };
}

/** `mlp data ingest SOURCE --to PATH [--name NAME] [--format csv|parquet] [--query SQL]`. */
export function registerIngestCommand(data: DataCommandGroup, context: CliContext, openCatalog: OpenCatalog): void {
  data
    .command('ingest')
    .description(
      'bring data in from a file, an http(s) URL, s3://bucket/key or a postgres:// query; write it as CSV or Parquet and version it',
    )
    .argument('<source>', 'a local path, http(s):// URL, s3://bucket/key, or postgres:// URL (with --query)')
    .requiredOption('--to <path>', 'where to write it in the project (.csv or .parquet)')
    .option('--name <name>', 'the dataset (default: the file name of --to without its extension)')
    .option('--format <format>', 'csv or parquet (default: from the extension of --to)')
    .option('--query <sql>', 'the query to run on a postgres:// source')
    .option('--source-format <format>', "the source's format when its name and Content-Type do not say: csv, parquet, jsonl or json")
    .option('--tag <tag>', 'tag the new version (repeatable)', collect)
    .option('-m, --message <text>', 'a note recorded on the version')
    .option('--batch-size <n>', 'rows per fetch from a PostgreSQL cursor (default 5000)')
    .action(async (source: string, flags: IngestFlags) => {
      const { catalog, resolve } = await openCatalog(context);
      const options = ingestOptionsFromFlags(source, flags, resolve);
      const result = await catalog.ingest({ ...options, onProgress: (progress) => context.progress(ingestProgressLine(progress)) });
      const { version } = result;
      const verb = result.created ? 'Ingested' : 'Unchanged:';
      context.output(
        `${verb} ${version.ref} → ${version.path} (${plural(result.rows, 'row')}, ${formatBytes(result.bytes)}, md5 ${version.rootHash})`,
        ingestJson(result),
      );
    });
}
