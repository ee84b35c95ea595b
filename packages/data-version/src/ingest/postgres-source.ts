import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { MlpError, maskUrl } from '@mlp/core';
import { postgresCsvScanSql } from '@mlp/core/tabular';
import pg from 'pg';
import type { DatasetSource } from '../catalog/catalog-model.js';
import { csvLine } from './csv-writer.js';
import type { IngestOptions } from './ingest-options.js';
import type { Staging } from './staged-file.js';

/** A query result staged as CSV, with the DuckDB type of each column from PostgreSQL's type ids. */
export interface QueriedSource {
  file: string;
  rows: number;
  bytes: number;
  /** `read_csv(...)` with explicit column types: what DuckDB converts from. */
  scan: string;
  record: DatasetSource;
}

const CURSOR = 'mlp_ingest_cursor';

// PostgreSQL type oids → DuckDB types. Values travel in PostgreSQL's text form, which DuckDB casts from.
const duckdbTypes: Record<number, string> = {
  16: 'BOOLEAN',
  20: 'BIGINT',
  21: 'SMALLINT',
  23: 'INTEGER',
  26: 'UINTEGER',
  700: 'FLOAT',
  701: 'DOUBLE',
  1700: 'DOUBLE', // numeric: arbitrary precision has no exact DuckDB match; DOUBLE is what models consume
  1082: 'DATE',
  1083: 'TIME',
  1114: 'TIMESTAMP',
  1184: 'TIMESTAMPTZ',
  2950: 'UUID',
};

// Every value as the text PostgreSQL sent: no JavaScript parsing (dates, numerics) on the way through.
const rawText = { getTypeParser: () => (value: string) => value } as unknown as pg.CustomTypesConfig;

async function write(out: WriteStream, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

/**
 * Runs `options.query` on the PostgreSQL server of `options.source` in a read-only transaction, through a
 * server-side cursor fetched `batchSize` rows at a time, so memory stays flat whatever the result size.
 */
export async function queryPostgresSource(options: IngestOptions, staging: Staging): Promise<QueriedSource> {
  const shown = maskUrl(options.source);
  const query = options.query?.trim().replace(/;\s*$/, '');
  if (!query)
    throw new MlpError('INVALID_ARGUMENT', `A PostgreSQL source needs a query: pass query (--query "select …") to read from ${shown}.`);
  const batchSize = options.batchSize ?? 5000;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1)
    throw new MlpError('INVALID_ARGUMENT', `Invalid batchSize ${batchSize}: give a whole number ≥ 1.`);

  const client = new pg.Client({ connectionString: options.source, types: rawText, application_name: 'mlp data ingest' });
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => {});
    // 28P01: wrong password; 28000: no pg_hba.conf entry or role not allowed.
    const code = (error as { code?: string }).code;
    if (code === '28P01' || code === '28000') {
      throw new MlpError('UNAUTHENTICATED', `${shown} refused the login: ${(error as Error).message}. Check the user and password.`, {
        cause: error,
      });
    }
    throw new MlpError('UNAVAILABLE', `Cannot connect to ${shown}: ${(error as Error).message}. Check the URL and that the server runs.`, {
      cause: error,
    });
  }
  const file = staging.file('query', '.csv');
  const out = createWriteStream(file, { flags: 'wx', flush: true });
  const closed = once(out, 'close');
  let rows = 0;
  let fields: pg.FieldDef[] = [];
  try {
    await client.query('begin read only');
    try {
      await client.query(`declare ${CURSOR} no scroll cursor for ${query}`);
    } catch (error) {
      throw new MlpError('INVALID_ARGUMENT', `The query failed on ${shown}: ${(error as Error).message}.`, {
        cause: error,
        details: { query },
      });
    }
    for (;;) {
      if (options.signal?.aborted) throw new MlpError('UNAVAILABLE', `Ingestion from ${shown} was cancelled.`);
      const batch = await client.query({ text: `fetch forward ${batchSize} from ${CURSOR}`, rowMode: 'array' });
      if (rows === 0) {
        fields = batch.fields;
        const names = new Set(fields.map((field) => field.name));
        if (names.size !== fields.length) {
          throw new MlpError(
            'INVALID_ARGUMENT',
            'The query returns two columns with the same name: give them distinct aliases (select a.id as a_id, …).',
          );
        }
        await write(out, csvLine(fields.map((field) => field.name)));
      }
      for (const row of batch.rows as (string | null)[][]) await write(out, csvLine(row));
      rows += batch.rows.length;
      options.onProgress?.({ phase: 'query', rows });
      if (batch.rows.length < batchSize) break;
    }
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => {});
    out.destroy();
    throw MlpError.isInstance(error)
      ? error
      : new MlpError('UNAVAILABLE', `Reading the query result from ${shown} failed: ${(error as Error).message}.`, { cause: error });
  } finally {
    await client.end().catch(() => {});
  }
  out.end();
  await closed;

  const columns = fields.map((field) => ({ name: field.name, type: duckdbTypes[field.dataTypeID] ?? 'VARCHAR' }));
  const scan = postgresCsvScanSql(file, columns, { header: true });
  return { file, rows, bytes: out.bytesWritten, scan, record: { kind: 'postgres', uri: shown, query } };
}
