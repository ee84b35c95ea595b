import type { DuckDBConnection, DuckDBMaterializedResult } from '@duckdb/node-api';
import { MlpError } from '@mlp/core';
import type { Cell, Table } from './table.js';
import { copyChunk, openTableScan, type SelectedColumn } from './table-scan.js';

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

/**
 * Reads a CSV, TSV, Parquet, JSON or JSON-lines file into a Table through DuckDB. Only the named
 * columns are read; numbers (any width, decimals) become numbers, dates and timestamps Dates (UTC),
 * booleans booleans, anything else text, and NULL null.
 */
export async function readTable(source: string, options: ReadTableOptions): Promise<Table> {
  assertOptions(options);
  options.signal?.throwIfAborted();
  const scan = await openTableScan(source, options.columns, options.target);
  try {
    const result = await runAbortable(scan.connection, selectSql(scan.expressions, scan.scan, options), options.signal).catch(
      async (error: unknown) => {
        if (options.signal?.aborted)
          throw new MlpError('FAILED_PRECONDITION', `Reading ${scan.file} was cancelled.`, { cause: options.signal.reason });
        throw await scan.unreadable(error);
      },
    );
    return toTable(result, scan.selected);
  } finally {
    scan.close();
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
function toTable(result: DuckDBMaterializedResult, selected: readonly SelectedColumn[]): Table {
  const rowCount = result.rowCount;
  const cells = selected.map(() => new Array<Cell>(rowCount));
  let offset = 0;
  for (let chunkIndex = 0; chunkIndex < result.chunkCount; chunkIndex++) {
    const chunk = result.getChunk(chunkIndex);
    copyChunk(chunk, selected, cells, offset);
    offset += chunk.rowCount;
  }
  return { rowCount, columns: new Map(selected.map((column, index) => [column.name, cells[index] as Cell[]])) };
}
