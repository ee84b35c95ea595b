import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { DuckDBConnection, DuckDBMaterializedResult } from '@duckdb/node-api';
import { MlpError } from '@mlp/core';
import { type ColumnKind, castSql, connectDuckDb, type FileFormat, formatOf, kindOf, scanSql, sqlIdentifier } from './duckdb-scan.js';
import type { Cell, Table } from './table.js';

export interface ReadTableOptions {
  /** The columns to read, by name. */
  columns: readonly string[];
  /** A computed target column: `(expression) AS name`, a DuckDB SQL expression over the file's columns. */
  target?: { name: string; expression: string };
  /** Read at most this many rows: a seeded sample when the file has more, kept in file order. */
  rows?: number;
  /** The sample's seed (0 by default): the same seed and file give the same rows. */
  seed?: number;
  signal?: AbortSignal;
}

interface Selected {
  name: string;
  kind: ColumnKind;
}

/**
 * Reads a CSV, TSV, Parquet, JSON or JSON-lines file into a Table through DuckDB. Only the named
 * columns are read; numbers (any width, decimals) become numbers, dates and timestamps Dates (UTC),
 * booleans booleans, anything else text, and NULL null.
 */
export async function readTable(source: string, options: ReadTableOptions): Promise<Table> {
  assertOptions(options);
  const file = path.resolve(source);
  const format = formatOf(file);
  await assertFile(file);
  options.signal?.throwIfAborted();
  const scan = scanSql(file, format);
  const connection = await connectDuckDb();
  try {
    const fileColumns = await describe(connection, `SELECT * FROM ${scan}`).catch((error: unknown) => {
      throw unreadable(error, file, format);
    });
    const selected = selectColumns(fileColumns, options.columns, file);
    const expressions = selected.map((column) => castSql(sqlIdentifier(column.name), column.kind));
    if (options.target) {
      const { name, expression } = options.target;
      const described = await describe(connection, `SELECT (${expression}) AS ${sqlIdentifier(name)} FROM ${scan}`).catch(
        (error: unknown) => {
          throw new MlpError(
            'INVALID_ARGUMENT',
            `The target expression ${JSON.stringify(expression)} does not work on ${file}: ${flatMessage(error)} Fix the SQL expression.`,
            {
              cause: error,
              details: { expression, columns: fileColumns.map((column) => column.name) },
            },
          );
        },
      );
      const kind = kindOf(described[0]?.type ?? 'VARCHAR');
      selected.push({ name, kind });
      expressions.push(castSql(`(${expression})`, kind));
    }
    const result = await runAbortable(connection, selectSql(expressions, scan, options), options.signal).catch((error: unknown) => {
      if (options.signal?.aborted)
        throw new MlpError('FAILED_PRECONDITION', `Reading ${file} was cancelled.`, { cause: options.signal.reason });
      throw unreadable(error, file, format);
    });
    return toTable(result, selected);
  } finally {
    connection.closeSync();
  }
}

function assertOptions(options: ReadTableOptions): void {
  if (options.columns.length === 0 && !options.target) {
    throw new MlpError('INVALID_ARGUMENT', 'readTable needs at least one column (or a target expression) to read.');
  }
  if (options.rows !== undefined && (!Number.isSafeInteger(options.rows) || options.rows < 1)) {
    throw new MlpError('INVALID_ARGUMENT', `rows must be a whole number ≥ 1, not ${options.rows}.`);
  }
  if (options.seed !== undefined && (!Number.isSafeInteger(options.seed) || options.seed < 0)) {
    throw new MlpError('INVALID_ARGUMENT', `seed must be a whole number ≥ 0, not ${options.seed}.`);
  }
  if (options.target && options.columns.includes(options.target.name)) {
    throw new MlpError(
      'INVALID_ARGUMENT',
      `The target ${JSON.stringify(options.target.name)} is computed by an expression but is also a column to read: give the target another name.`,
    );
  }
}

async function assertFile(file: string): Promise<void> {
  const info = await stat(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new MlpError('NOT_FOUND', `Cannot read ${file}: it does not exist. Check the data path.`);
    throw new MlpError('INVALID_ARGUMENT', `Cannot read ${file}: ${error.message}.`, { cause: error });
  });
  if (!info.isFile()) throw new MlpError('INVALID_ARGUMENT', `Cannot read ${file}: it is not a file. Name a data file.`);
}

async function describe(connection: DuckDBConnection, query: string): Promise<{ name: string; type: string }[]> {
  const reader = await connection.runAndReadAll(`DESCRIBE ${query}`);
  return reader.getRowObjectsJS().map((row) => ({ name: String(row.column_name), type: String(row.column_type) }));
}

function selectColumns(fileColumns: readonly { name: string; type: string }[], names: readonly string[], file: string): Selected[] {
  const types = new Map(fileColumns.map((column) => [column.name, column.type]));
  const missing = names.filter((name) => !types.has(name));
  if (missing.length > 0) {
    throw new MlpError(
      'INVALID_ARGUMENT',
      `${file} has no column ${missing.map((name) => JSON.stringify(name)).join(', ')}; its columns are ${fileColumns.map((column) => column.name).join(', ')}. Fix the column names in the spec.`,
      { details: { missing, columns: fileColumns.map((column) => column.name) } },
    );
  }
  return [...new Set(names)].map((name) => ({ name, kind: kindOf(types.get(name) as string) }));
}

/**
 * A sample needs a stable order: the reservoir returns rows in no particular order, so each row
 * carries its position in the file (DuckDB preserves insertion order while scanning) and the sample
 * is sorted by it.
 */
function selectSql(expressions: readonly string[], scan: string, options: ReadTableOptions): string {
  const list = expressions.map((expression, index) => `${expression} AS c${index}`).join(', ');
  if (options.rows === undefined) return `SELECT ${list} FROM ${scan}`;
  const columns = expressions.map((_, index) => `c${index}`).join(', ');
  return (
    `SELECT ${columns} FROM (SELECT ${list}, row_number() OVER () AS mlp_row FROM ${scan}) ` +
    `USING SAMPLE reservoir(${options.rows} ROWS) REPEATABLE (${options.seed ?? 0}) ORDER BY mlp_row`
  );
}

async function runAbortable(connection: DuckDBConnection, sql: string, signal: AbortSignal | undefined): Promise<DuckDBMaterializedResult> {
  if (!signal) return connection.run(sql);
  const interrupt = () => connection.interrupt();
  signal.addEventListener('abort', interrupt, { once: true });
  try {
    const result = await connection.run(sql);
    signal.throwIfAborted();
    return result;
  } finally {
    signal.removeEventListener('abort', interrupt);
  }
}

/** Column by column, chunk by chunk: each cast vector is copied into one preallocated array. */
function toTable(result: DuckDBMaterializedResult, selected: readonly Selected[]): Table {
  const rowCount = result.rowCount;
  const cells = selected.map(() => new Array<Cell>(rowCount));
  let offset = 0;
  for (let chunkIndex = 0; chunkIndex < result.chunkCount; chunkIndex++) {
    const chunk = result.getChunk(chunkIndex);
    const size = chunk.rowCount;
    selected.forEach((column, columnIndex) => {
      const vector = chunk.getColumnVector(columnIndex);
      const target = cells[columnIndex] as Cell[];
      if (column.kind === 'time') {
        for (let row = 0; row < size; row++) {
          const ms = vector.getItem(row) as number | null;
          target[offset + row] = ms === null ? null : new Date(ms);
        }
      } else {
        for (let row = 0; row < size; row++) target[offset + row] = vector.getItem(row) as Cell;
      }
    });
    offset += size;
  }
  return { rowCount, columns: new Map(selected.map((column, index) => [column.name, cells[index] as Cell[]])) };
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split('\n')[0] ?? message).trim();
}

/** DuckDB's whole message on one line (a binder error's second line lists candidate columns). */
function flatMessage(error: unknown): string {
  const message = (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ').trim();
  const short = message.length > 600 ? `${message.slice(0, 600)}…` : message;
  return /[.!?…]$/.test(short) ? short : `${short}.`;
}

function unreadable(error: unknown, file: string, format: FileFormat): MlpError {
  if (MlpError.isInstance(error)) return error;
  return new MlpError(
    'INVALID_ARGUMENT',
    `Cannot read ${file} as ${format}: ${firstLine(error)}. Check that the file is valid ${format}.`,
    {
      cause: error,
      details: { file, format },
    },
  );
}
