import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { DuckDBResult } from '@duckdb/node-api';
import { MlpError } from '@mlp/core';
import {
  connectSharedTabularDb,
  resolveTabularFormat,
  sqlIdentifier,
  type TabularFormat,
  tabularReadError,
  tabularScanSql,
} from '@mlp/core/tabular';
import type { TabularSchema } from '../catalog/catalog-model.js';
import { isNumericType, toJsValue } from './duckdb-values.js';
import { summarizeTable } from './schema-summary.js';

export interface OpenTableOptions {
  /** The file's format; implied by its extension when absent. */
  format?: TabularFormat;
  /** Read only these columns, in this order. */
  columns?: readonly string[];
  /** Read at most this many rows. */
  limit?: number;
}

/** A column read whole: numbers in a Float64Array (null as NaN), anything else in an array. */
export type ColumnData = Float64Array | unknown[];

export type TableRecord = Record<string, unknown>;

/**
 * A tabular file (CSV, Parquet, JSON lines, JSON) read through DuckDB. Iterating streams records chunk
 * by chunk (about 2,048 rows each), so memory stays bounded however large the file; every iteration
 * reads the file anew.
 */
export interface TableReader extends AsyncIterable<TableRecord> {
  readonly path: string;
  readonly format: TabularFormat;
  records(): AsyncIterable<TableRecord>;
  /** Records in DuckDB's chunks, for callers that process batches. */
  batches(): AsyncIterable<TableRecord[]>;
  /** Every selected row, column by column: `{ delay: Float64Array, origin: ['LAX', …] }`. */
  columns(): Promise<Record<string, ColumnData>>;
  /** Columns, types and row count of the whole file. */
  schema(): Promise<TabularSchema>;
}

function assertOptions(options: OpenTableOptions): void {
  if (options.limit !== undefined && (!Number.isSafeInteger(options.limit) || options.limit < 0)) {
    throw new MlpError('INVALID_ARGUMENT', `Invalid limit ${options.limit}: give a whole number of rows ≥ 0.`);
  }
  if (options.columns !== undefined && options.columns.length === 0) {
    throw new MlpError('INVALID_ARGUMENT', 'columns is empty: name at least one column, or leave it out to read them all.');
  }
}

/** Opens a tabular file for reading; NOT_FOUND when it does not exist, INVALID_ARGUMENT for a folder or unknown format. */
export async function openTable(file: string, options: OpenTableOptions = {}): Promise<TableReader> {
  assertOptions(options);
  const absolute = path.resolve(file);
  const format = resolveTabularFormat(absolute, options.format);
  const info = await stat(absolute).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new MlpError('NOT_FOUND', `Cannot open ${absolute}: it does not exist. Check the path.`);
    throw new MlpError('PERMISSION_DENIED', `Cannot open ${absolute}: ${error.message}.`, { cause: error });
  });
  if (!info.isFile()) throw new MlpError('INVALID_ARGUMENT', `Cannot open ${absolute}: it is not a file.`);

  const selected = options.columns ? options.columns.map(sqlIdentifier).join(', ') : '*';
  const limit = options.limit === undefined ? '' : ` LIMIT ${options.limit}`;
  const query = `SELECT ${selected} FROM ${tabularScanSql(absolute, format)}${limit}`;

  /**
   * DuckDB's streaming fetch returns "no more chunks" when the scan fails midway (a bad CSV row at line
   * 50,000), indistinguishable from the end. So the rows are counted first, which surfaces such errors
   * with their message (Parquet counts come from the footer), and a stream that ends short is an error.
   */
  async function streamVerified<T>(work: (result: DuckDBResult, expected: number) => AsyncGenerator<T>): Promise<AsyncGenerator<T>> {
    const connection = await connectSharedTabularDb();
    return (async function* () {
      try {
        const counted = await connection.runAndReadAll(`SELECT count(*)::BIGINT AS n FROM (${query})`);
        const expected = Number(counted.getRowObjectsJS()[0]?.n ?? 0);
        yield* work(await connection.stream(query), expected);
      } catch (error) {
        throw await tabularReadError(error, absolute, format);
      } finally {
        // Also runs when the consumer stops early: the connection and its pending result are released.
        connection.closeSync();
      }
    })();
  }

  const endedEarly = (read: number, expected: number) =>
    new MlpError(
      'INVALID_ARGUMENT',
      `Reading ${absolute} stopped after ${read} of ${expected} rows: the file changed or is corrupt past that point.`,
    );

  async function* batches(): AsyncGenerator<TableRecord[]> {
    yield* await streamVerified(async function* (result, expected) {
      let read = 0;
      for await (const batch of result.yieldConvertedRowObjects(toJsValue)) {
        read += batch.length;
        yield batch as TableRecord[];
      }
      if (read < expected) throw endedEarly(read, expected);
    });
  }

  async function* records(): AsyncGenerator<TableRecord> {
    for await (const batch of batches()) yield* batch;
  }

  return {
    path: absolute,
    format,
    records,
    batches,
    [Symbol.asyncIterator]: () => records()[Symbol.asyncIterator](),
    async columns() {
      const out: Record<string, ColumnData> = {};
      const chunks = await streamVerified(async function* (result, expected) {
        const names = result.columnNames();
        const numeric = result.columnTypes().map((type) => isNumericType(type.typeId));
        const collected: unknown[][] = names.map(() => []);
        let read = 0;
        for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
          read += chunk.rowCount;
          for (let column = 0; column < names.length; column++) {
            const target = collected[column] as unknown[];
            for (const value of chunk.convertColumnValues(column, toJsValue)) {
              target.push(numeric[column] ? (value === null ? Number.NaN : Number(value)) : value);
            }
          }
        }
        if (read < expected) throw endedEarly(read, expected);
        names.forEach((name, column) => {
          const values = collected[column] as unknown[];
          out[name] = numeric[column] ? Float64Array.from(values as number[]) : values;
        });
      });
      for await (const _ of chunks) {
        // the generator fills `out`
      }
      return out;
    },
    schema: () => summarizeTable(absolute, format),
  };
}
