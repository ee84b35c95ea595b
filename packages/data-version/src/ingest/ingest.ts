import { mkdir, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import { MlpError } from '@mlp/core';
import { tabularFormatOf, tabularReadError, tabularScanSql } from '@mlp/core/tabular';
import type { AddVersionInput, DatasetSource, TabularFormat, TabularSchema } from '../catalog/catalog-model.js';
import type { RegisteredVersion } from '../catalog/catalog-store.js';
import { assertDatasetName } from '../catalog/dataset-ref.js';
import type { DescribedData } from '../catalog/describe-data.js';
import { summarizeTable } from '../readers/schema-summary.js';
import { fetchFileSource } from './file-source.js';
import { fetchHttpSource } from './http-source.js';
import { type IngestFormat, type IngestOptions, type IngestResult, ingestFormats } from './ingest-options.js';
import { queryPostgresSource } from './postgres-source.js';
import { fetchS3Source } from './s3-source.js';
import { sourceKind } from './source-kind.js';
import { createStaging, sweepStaleStaging } from './staged-file.js';
import { writeTable } from './write-table.js';

/** What ingestion needs of the catalog: the repository root, and adding + registering a version (with its schema, already read). */
export interface IngestTarget {
  root: string;
  addVersion(input: AddVersionInput, described: DescribedData): Promise<RegisteredVersion>;
}

function outputFormat(to: string, format: IngestFormat | undefined): IngestFormat {
  const chosen = format ?? tabularFormatOf(to);
  if (!chosen || !(ingestFormats as readonly string[]).includes(chosen)) {
    throw new MlpError(
      'INVALID_ARGUMENT',
      format
        ? `Cannot write ${format}: ingestion writes ${ingestFormats.join(' or ')}.`
        : `Cannot tell the output format from ${to}: name it .csv or .parquet, or pass format.`,
    );
  }
  return chosen as IngestFormat;
}

function insideRoot(root: string, target: string): string {
  const absolute = path.resolve(root, target);
  const relative = path.relative(root, absolute);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new MlpError('INVALID_ARGUMENT', `Cannot write to ${absolute}: it must be a file inside the data repository ${root}.`);
  }
  return absolute;
}

/**
 * Brings data in from a file, an HTTP(S) URL, an S3 object or a PostgreSQL query, writes it as CSV or
 * Parquet at `to`, and versions it (cache, `.dvc` file, catalog entry with the source recorded). All
 * work happens in temporary files beside `to`, renamed into place only once complete and readable: a
 * failure or a kill leaves nothing partial at `to`.
 */
export async function ingestData(target: IngestTarget, options: IngestOptions): Promise<IngestResult> {
  const destination = insideRoot(target.root, options.to);
  const format = outputFormat(destination, options.format);
  const name = options.name ?? path.basename(destination, path.extname(destination));
  assertDatasetName(name);
  const kind = sourceKind(options.source);
  if (kind !== 'postgres' && options.query !== undefined) {
    throw new MlpError('INVALID_ARGUMENT', 'query applies only to a postgres:// source; leave it out for files and URLs.');
  }
  if ((await stat(destination).catch(() => undefined))?.isDirectory()) {
    throw new MlpError(
      'INVALID_ARGUMENT',
      `Cannot write to ${destination}: it is a folder. Give a file path such as data/${name}.${format}.`,
    );
  }

  await mkdir(path.dirname(destination), { recursive: true });
  await sweepStaleStaging(destination);
  const staging = createStaging(destination);
  try {
    let staged: { file: string; record: DatasetSource; format: TabularFormat; scan: string };
    if (kind === 'postgres') {
      const queried = await queryPostgresSource(options, staging);
      staged = { file: queried.file, record: queried.record, format: 'csv', scan: queried.scan };
    } else {
      const got = await (kind === 'http' ? fetchHttpSource : kind === 's3' ? fetchS3Source : fetchFileSource)(options, staging);
      staged = { file: got.file, record: got.record, format: got.format, scan: tabularScanSql(got.file, got.format) };
    }

    options.onProgress?.({ phase: 'convert' });
    // A file already in the output format keeps its bytes (so an unchanged upstream file is the same
    // version), after a full read proves it parses; anything else is converted by DuckDB.
    const keepBytes = kind !== 'postgres' && staged.format === format && path.extname(staged.file) === `.${format}`;
    const output = keepBytes ? staged.file : staging.file('out', `.${format}`);
    let schema: TabularSchema;
    try {
      if (!keepBytes) await writeTable(staged.scan, output, format);
      // Reading the result whole proves it parses (and gives the schema the version records).
      schema = await summarizeTable(output, format);
    } catch (error) {
      const failure = await tabularReadError(error, staged.file, staged.format);
      throw new MlpError(failure.code, failure.message.replaceAll(staged.file, staged.record.uri), {
        cause: error,
        details: { source: staged.record.uri },
      });
    }
    await rename(output, destination);

    options.onProgress?.({ phase: 'version' });
    const registered = await target.addVersion(
      {
        dataset: name,
        path: destination,
        format,
        source: staged.record,
        ...(options.message === undefined ? {} : { message: options.message }),
        ...(options.description === undefined ? {} : { description: options.description }),
        ...(options.tags === undefined ? {} : { tags: options.tags }),
      },
      { format, schema },
    );
    return {
      version: registered.version,
      created: registered.created,
      path: destination,
      format,
      rows: registered.version.schema?.rowCount ?? 0,
      bytes: registered.version.size,
    };
  } finally {
    await staging.cleanup();
  }
}
