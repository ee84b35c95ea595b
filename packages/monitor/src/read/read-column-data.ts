import path from 'node:path';
import type { DuckDBConnection, DuckDBDataChunk } from '@duckdb/node-api';
import { MlpError } from '@mlp/core';
import { openTabularDb, resolveTabularFormat, sqlIdentifier, type TabularDb, tabularReadError, tabularScanSql } from '@mlp/core/tabular';
import { categoricalColumn, type DriftColumnData, numericColumn } from '../drift/column-data.js';
import { columnRoleOf } from './column-kinds.js';

export interface ReadColumnDataOptions {
  /** Only these columns; default: every column. */
  columns?: readonly string[];
  /** The file's format when its name does not tell (csv, tsv, parquet, jsonl, json). */
  format?: string;
  /** A DuckDB to read with; default: one opened for this read and closed after it. */
  db?: TabularDb;
  /** Columns reduced at once, each on its own connection (Parquet only; default 2). */
  lanes?: number;
  signal?: AbortSignal;
}

/** A file's columns as the drift tests read them, and the columns left out with the reason. */
export interface FileColumnData {
  file: string;
  rows: number;
  columns: Record<string, DriftColumnData>;
  ignored: { column: string; reason: string }[];
}

let tableCounter = 0;

/** Runs `sql` to the end, then hands over its chunks (a materialized result reads faster than a stream). */
async function eachChunk(connection: DuckDBConnection, sql: string, onChunk: (chunk: DuckDBDataChunk) => void) {
  const result = await connection.run(sql);
  for (let i = 0; i < result.chunkCount; i += 1) onChunk(result.getChunk(i));
}

/**
 * The DOUBLE column `index` of a chunk whose values are never null, as a Float64Array (copied). The
 * vector's typed array is taken when it has one (DuckDBDoubleVector keeps its values in `items`, not
 * part of its declared API): item by item, 100,000 values take 100 ms or more on a busy machine.
 */
function doubles(chunk: DuckDBDataChunk, index: number): Float64Array {
  const vector = chunk.getColumnVector(index);
  const items = (vector as unknown as { items?: unknown }).items;
  if (items instanceof Float64Array && items.length >= chunk.rowCount) return items.slice(0, chunk.rowCount);
  const values = new Float64Array(chunk.rowCount);
  for (let i = 0; i < values.length; i += 1) values[i] = vector.getItem(i) as number;
  return values;
}

/** Joins chunks' arrays into one. */
function joined(parts: Float64Array[], length: number): Float64Array {
  const all = new Float64Array(length);
  let offset = 0;
  for (const part of parts) {
    all.set(part, offset);
    offset += part.length;
  }
  return all;
}

async function readNumeric(connection: DuckDBConnection, from: string, column: string, rows: number, integer: boolean) {
  const valueParts: Float64Array[] = [];
  const countParts: Float64Array[] = [];
  let length = 0;
  const name = sqlIdentifier(column);
  // Grouped on the column's own type (whole numbers by DuckDB's perfect hash over their range, far
  // faster than hashing doubles), then widened to DOUBLE: values a cast makes equal are merged below.
  await eachChunk(
    connection,
    `SELECT k::DOUBLE AS v, c FROM (SELECT ${name} AS k, count(*)::DOUBLE AS c FROM ${from} WHERE ${name} IS NOT NULL GROUP BY k)${
      integer ? '' : ' WHERE isfinite(k::DOUBLE)'
    } ORDER BY k`,
    (chunk) => {
      valueParts.push(doubles(chunk, 0));
      countParts.push(doubles(chunk, 1));
      length += chunk.rowCount;
    },
  );
  const { values, counts } = mergedEqual(joined(valueParts, length), joined(countParts, length));
  const data = numericColumn(values, counts, { integer });
  data.nulls = rows - data.total;
  return data;
}

/** Sorted values with counts, equal neighbours (values a cast to DOUBLE made equal, −0 and 0) merged. */
function mergedEqual(values: Float64Array, counts: Float64Array): { values: Float64Array; counts: Float64Array } {
  let n = 0;
  for (let i = 0; i < values.length; i += 1) {
    if (n > 0 && values[n - 1] === values[i]) counts[n - 1] = (counts[n - 1] as number) + (counts[i] as number);
    else {
      values[n] = values[i] as number;
      counts[n] = counts[i] as number;
      n += 1;
    }
  }
  return n === values.length ? { values, counts } : { values: values.slice(0, n), counts: counts.slice(0, n) };
}

async function readCategorical(connection: DuckDBConnection, from: string, column: string, rows: number) {
  const categories: string[] = [];
  const counts: number[] = [];
  const name = sqlIdentifier(column);
  await eachChunk(
    connection,
    `SELECT k::VARCHAR AS v, c FROM (SELECT ${name} AS k, count(*)::DOUBLE AS c FROM ${from} WHERE ${name} IS NOT NULL GROUP BY k) ORDER BY c DESC, v`,
    (chunk) => {
      const v = chunk.getColumnVector(0);
      const c = doubles(chunk, 1);
      for (let i = 0; i < chunk.rowCount; i += 1) {
        categories.push(v.getItem(i) as string);
        counts.push(c[i] as number);
      }
    },
  );
  const data = categoricalColumn(categories, Float64Array.from(counts));
  data.nulls = rows - data.total;
  return data;
}

/**
 * Reads `file` (CSV, TSV, Parquet, JSON lines, JSON) through core's tabular reader, each column
 * once, reduced in DuckDB to its distinct values with counts (sorted, for numbers): all the drift tests
 * need, and exact. Dates, times and nested values are listed as
 * ignored with the reason.
 */
export async function readColumnData(file: string, options: ReadColumnDataOptions = {}): Promise<FileColumnData> {
  const format = resolveTabularFormat(file, options.format);
  const db = options.db ?? (await openTabularDb());
  const connection = await db.connect();
  const scan = tabularScanSql(path.resolve(file), format);
  // Parquet is columnar: each column's query reads that column once from the file. Text formats are
  // parsed once into a temporary table, which the queries then read.
  const table = format === 'parquet' ? undefined : `mlp_monitor_side_${++tableCounter}`;
  const selected = options.columns ? options.columns.map(sqlIdentifier).join(', ') : '*';
  const from = table ?? (options.columns ? `(SELECT ${selected} FROM ${scan})` : scan);
  try {
    if (table) {
      try {
        await connection.run(`CREATE TEMP TABLE ${table} AS SELECT ${selected} FROM ${scan}`);
      } catch (error) {
        throw await tabularReadError(error, file, format);
      }
    }
    const rows = Number((await connection.runAndReadAll(`SELECT count(*)::DOUBLE AS n FROM ${from}`)).getRowObjectsJS()[0]?.n ?? 0);
    const described = (
      await connection.runAndReadAll(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM ${from})`)
    ).getRowObjectsJS() as {
      column_name: string;
      column_type: string;
    }[];
    const columns: Record<string, DriftColumnData> = {};
    const ignored: FileColumnData['ignored'] = [];
    const work: { column: string; read: (on: DuckDBConnection) => Promise<DriftColumnData> }[] = [];
    for (const { column_name: column, column_type: type } of described) {
      const role = columnRoleOf(type);
      if (role.kind === 'ignored') ignored.push({ column, reason: role.reason });
      else if (role.kind === 'numeric') work.push({ column, read: (on) => readNumeric(on, from, column, rows, role.integer) });
      else work.push({ column, read: (on) => readCategorical(on, from, column, rows) });
    }
    // A file's columns are reduced on `lanes` connections at once (a temporary table is seen only by
    // the connection that made it, so text formats take one lane).
    const lanes = table
      ? [connection]
      : [connection, ...(await Promise.all(Array.from({ length: Math.max(1, options.lanes ?? 2) - 1 }, () => db.connect())))];
    try {
      let next = 0;
      await Promise.all(
        lanes.map(async (lane) => {
          while (next < work.length) {
            const item = work[next++] as (typeof work)[number];
            options.signal?.throwIfAborted();
            columns[item.column] = await item.read(lane);
          }
        }),
      );
    } finally {
      for (const lane of lanes.slice(1)) lane.closeSync();
    }
    // In the file's column order, whichever lane finished first.
    const ordered = Object.fromEntries(
      described
        .filter(({ column_name }) => columns[column_name])
        .map(({ column_name }) => [column_name, columns[column_name] as DriftColumnData]),
    );
    return { file, rows, columns: ordered, ignored };
  } catch (error) {
    if (MlpError.isInstance(error) || (error as Error).name === 'AbortError') throw error;
    throw await tabularReadError(error, file, format);
  } finally {
    if (table) await connection.run(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
    connection.closeSync();
    if (!options.db) await db.close();
  }
}
