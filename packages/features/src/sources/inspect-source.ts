import { type Database, type DatasetResolver, MlpError } from '@mlp/core';
import { connectSharedTabularDb, resolveTabularFormat, type TabularFormat, tabularScanSql } from '@mlp/core/tabular';
import type { FeatureSource } from '../definitions/feature-source.js';
import { duckDbColumnKind, postgresColumnKind, type SourceColumn } from './source-columns.js';
import { openSourceConnection, quoteTableName } from './source-connection.js';

/** A source's columns and, for a dataset version, the local file it resolved to. */
export interface InspectedSource {
  columns: SourceColumn[];
  dataset?: { ref: string; rootHash: string; path: string; format: TabularFormat };
}

/** The SQL selecting a PostgreSQL source's rows. */
export function postgresSourceSql(source: Exclude<FeatureSource, { dataset: string }>): string {
  return 'table' in source ? `select * from ${quoteTableName(source.table)}` : `select * from (${source.query}) as source`;
}

/** Resolves a dataset version through the catalog, with an error that says what to install. */
export async function resolveDataset(ref: string, datasets: DatasetResolver | undefined) {
  if (!datasets) {
    throw new MlpError(
      'FAILED_PRECONDITION',
      `The source dataset ${ref} needs the dataset catalog: install @mlp/data-version (the CLI finds it), or pass { datasets } to the features store.`,
    );
  }
  const resolved = await datasets.resolve(ref);
  return { ...resolved, format: resolveTabularFormat(resolved.path) };
}

/** Reads a source's column names and types without reading its rows. */
export async function inspectSource(
  source: FeatureSource,
  options: { db: Database; datasets?: DatasetResolver | undefined },
): Promise<InspectedSource> {
  if ('dataset' in source) {
    const resolved = await resolveDataset(source.dataset, options.datasets);
    const connection = await connectSharedTabularDb();
    try {
      const reader = await connection.runAndReadAll(`describe select * from ${tabularScanSql(resolved.path, resolved.format)}`);
      const columns = reader.getRowObjectsJS().map((row) => ({
        name: String(row.column_name),
        engineType: String(row.column_type),
        kind: duckDbColumnKind(String(row.column_type)),
      }));
      return {
        columns,
        dataset: { ref: resolved.version.ref, rootHash: resolved.version.rootHash, path: resolved.path, format: resolved.format },
      };
    } finally {
      connection.closeSync();
    }
  }
  const connection = await openSourceConnection(options.db, source.url);
  try {
    let result: Awaited<ReturnType<typeof connection.query>>;
    try {
      result = await connection.query(`${postgresSourceSql(source)} limit 0`);
    } catch (error) {
      const what = 'table' in source ? `the table ${source.table}` : 'the query';
      throw new MlpError(
        'INVALID_ARGUMENT',
        `The feature source cannot be read: ${what} failed with "${(error as Error).message}". Fix the source.`,
        {
          cause: error,
        },
      );
    }
    return {
      columns: result.fields.map((field) => ({
        name: field.name,
        engineType: `oid ${field.dataTypeID}`,
        kind: postgresColumnKind(field.dataTypeID),
      })),
    };
  } finally {
    await connection.close();
  }
}
