import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type Database, MlpError } from '@mlp/core';
import { connectSharedTabularDb, postgresCsvScanSql, sqlString } from '@mlp/core/tabular';
import { to as copyTo } from 'pg-copy-streams';
import type { FeatureType, FeatureValue } from '../definitions/feature-types.js';
import { quoteIdentifier } from '../sources/source-connection.js';
import { joinWorkMem } from './read-rows.js';
import type { TrainingSetColumn, TrainingSetFormat } from './training-set.js';

export function formatOf(file: string, format: TrainingSetFormat | undefined): TrainingSetFormat {
  if (format) return format;
  const extension = path.extname(file).toLowerCase();
  if (extension === '.csv') return 'csv';
  if (extension === '.parquet') return 'parquet';
  throw new MlpError('INVALID_ARGUMENT', `Cannot tell the format of ${path.basename(file)}: name it .csv or .parquet, or pass the format.`);
}

/** A timestamp (epoch ms) as ISO 8601 UTC text, in PostgreSQL. */
export function isoTimestampSql(expression: string): string {
  return `to_char(to_timestamp((${expression}) / 1000.0) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

function csvText(value: FeatureValue, type: FeatureType, iso: boolean): string {
  if (value === null) return '';
  if (type === 'timestamp' && iso) return new Date(value as number).toISOString();
  const text = String(value);
  return /[",\n\r]/.test(text) || text === '' ? `"${text.replaceAll('"', '""')}"` : text;
}

const duckDbTypes: Record<FeatureType, string> = {
  int64: 'BIGINT',
  float64: 'DOUBLE',
  string: 'VARCHAR',
  bool: 'BOOLEAN',
  timestamp: 'BIGINT',
};

/** Writes `target` through a temp file beside it, renamed into place once complete. */
async function atomically(target: string, write: (temp: string) => Promise<void>): Promise<void> {
  await mkdir(path.dirname(target), { recursive: true });
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${randomUUID().slice(0, 8)}.tmp`);
  try {
    await write(temp);
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * Writes a training set. `copySql(iso)` is the query COPY streams (timestamps as ISO text when `iso`);
 * `rows` is used instead when set (on-demand features are computed in JS, row by row).
 */
export async function writeTrainingSet(input: {
  db: Database;
  file: string;
  format: TrainingSetFormat;
  columns: readonly TrainingSetColumn[];
  copySql: (iso: boolean) => string;
  rows?: () => AsyncIterable<Record<string, FeatureValue>>;
  signal?: AbortSignal | undefined;
}): Promise<number> {
  const { db, columns } = input;
  const target = path.resolve(input.file);
  let count = 0;
  const writeCsv = async (file: string, iso: boolean, header: boolean) => {
    if (input.rows) {
      const rows = input.rows;
      const lines = async function* () {
        if (header) yield `${columns.map((column) => csvText(column.name, 'string', false)).join(',')}\n`;
        for await (const row of rows()) {
          input.signal?.throwIfAborted();
          count += 1;
          yield `${columns.map((column) => csvText(row[column.name] ?? null, column.type, iso)).join(',')}\n`;
        }
      };
      await pipeline(Readable.from(lines()), createWriteStream(file));
      return;
    }
    const client = await db.connect();
    try {
      await client.query('begin read only');
      await client.query(joinWorkMem);
      const copy = client.query(copyTo(`copy (${input.copySql(iso)}) to stdout (format csv${header ? ', header true' : ''})`));
      await pipeline(copy, createWriteStream(file), ...(input.signal ? [{ signal: input.signal }] : []));
      count = Number(copy.rowCount);
      await client.query('commit');
    } catch (error) {
      await client.query('rollback').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  };
  if (input.format === 'csv') {
    await atomically(target, (temp) => writeCsv(temp, true, true));
    return count;
  }
  await atomically(target, async (temp) => {
    const csv = `${temp}.csv`;
    try {
      await writeCsv(csv, false, false);
      const typed = columns.map((column, index) => ({ name: `c${index}`, type: duckDbTypes[column.type] }));
      const select = columns
        .map((column, index) => {
          const raw = `c${index}`;
          return `${column.type === 'timestamp' ? `make_timestamp(${raw} * 1000)` : raw} as ${quoteIdentifier(column.name)}`;
        })
        .join(', ');
      const duck = await connectSharedTabularDb();
      try {
        await duck.run(
          `copy (select ${select} from ${postgresCsvScanSql(csv, typed, { header: false })}) to ${sqlString(temp)} (format parquet)`,
        );
      } finally {
        duck.closeSync();
      }
    } finally {
      await rm(csv, { force: true });
    }
  });
  return count;
}
