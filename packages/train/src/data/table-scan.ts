import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { DuckDBConnection, DuckDBDataChunk } from '@duckdb/node-api';
import { MlpError } from '@mlp/core';
import {
  connectSharedTabularDb,
  malformedCsvError,
  resolveTabularFormat,
  sqlIdentifier,
  type TabularFormat,
  tabularReadError,
  tabularScanSql,
} from '@mlp/core/tabular';
import { type ColumnKind, castSql, kindOf } from './column-kind.js';
import type { Cell } from './table.js';

export interface SelectedColumn {
  name: string;
  kind: ColumnKind;
}

/** A file opened for reading named columns: the DuckDB connection, the scan, and a cast expression per column. */
export interface TableScan {
  readonly file: string;
  readonly format: TabularFormat;
  readonly connection: DuckDBConnection;
  /** The table function that scans the file (`read_parquet('…')`). */
  readonly scan: string;
  readonly selected: SelectedColumn[];
  readonly expressions: string[];
  /** The error to throw for a DuckDB failure while reading: a malformed CSV row is named by its line. */
  unreadable(error: unknown): Promise<MlpError>;
  close(): void;
}

/**
 * Opens `source` for reading `columns` (and an optional computed target): checks the file, the
 * columns and the target expression before any row is read.
 */
export async function openTableScan(
  source: string,
  columns: readonly string[],
  target?: { name: string; expression: string },
): Promise<TableScan> {
  const file = path.resolve(source);
  const format = resolveTabularFormat(file);
  await assertFile(file);
  const scan = tabularScanSql(file, format);
  const connection = await connectSharedTabularDb();
  const unreadable = (error: unknown) => tabularReadError(error, file, format);
  try {
    const fileColumns = await describe(connection, `SELECT * FROM ${scan}`).catch(async (error: unknown) => {
      throw await unreadable(error);
    });
    // DuckDB may sniff a CSV whose last row has a surplus field with that row as the header: a missing
    // column then means a malformed row, which is the error to report.
    const selected = await Promise.resolve()
      .then(() => selectColumns(fileColumns, columns, file))
      .catch(async (error: unknown) => {
        throw (await malformedCsvError(error, file, format)) ?? error;
      });
    const expressions = selected.map((column) => castSql(sqlIdentifier(column.name), column.kind));
    if (target) {
      const { name, expression } = target;
      const described = await describe(connection, `SELECT (${expression}) AS ${sqlIdentifier(name)} FROM ${scan}`).catch(
        (error: unknown) => {
          throw new MlpError(
            'INVALID_ARGUMENT',
            `The target expression ${JSON.stringify(expression)} does not work on ${file}: ${flatMessage(error)} Fix the SQL expression.`,
            { cause: error, details: { expression, columns: fileColumns.map((column) => column.name) } },
          );
        },
      );
      const kind = kindOf(described[0]?.type ?? 'VARCHAR');
      selected.push({ name, kind });
      expressions.push(castSql(`(${expression})`, kind));
    }
    return { file, format, connection, scan, selected, expressions, unreadable, close: () => connection.closeSync() };
  } catch (error) {
    connection.closeSync();
    throw error;
  }
}

/** Copies one DuckDB chunk's cast vectors into `cells` (one array per selected column) from `offset`. */
export function copyChunk(chunk: DuckDBDataChunk, selected: readonly SelectedColumn[], cells: Cell[][], offset: number): void {
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

function selectColumns(fileColumns: readonly { name: string; type: string }[], names: readonly string[], file: string): SelectedColumn[] {
  const types = new Map(fileColumns.map((column) => [column.name, column.type]));
  const missing = names.filter((name) => !types.has(name));
  if (missing.length > 0) {
    throw new MlpError(
      'INVALID_ARGUMENT',
      `${file} has no column ${missing.map((name) => JSON.stringify(name)).join(', ')}; its columns are ${fileColumns.map((column) => column.name).join(', ')}. Give data with those columns, or fix the column names in the training spec.`,
      { details: { missing, columns: fileColumns.map((column) => column.name) } },
    );
  }
  return [...new Set(names)].map((name) => ({ name, kind: kindOf(types.get(name) as string) }));
}

/** DuckDB's whole message on one line (a binder error's second line lists candidate columns). */
function flatMessage(error: unknown): string {
  const message = (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ').trim();
  const short = message.length > 600 ? `${message.slice(0, 600)}…` : message;
  return /[.!?…]$/.test(short) ? short : `${short}.`;
}
