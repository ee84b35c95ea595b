import { MlpError } from '@mlp/core';
import type { Cell, Table } from './table.js';
import { copyChunk, openTableScan } from './table-scan.js';

export interface ReadTableChunksOptions {
  /** The columns to read, by name. */
  columns: readonly string[];
  /** Rows per yielded table, rounded up to DuckDB's 2,048-row chunks (the last may have fewer); 16,384 by default. */
  chunkRows?: number;
  signal?: AbortSignal;
}

/**
 * Reads a data file (as `readTable` does: same formats, columns and conversions) as a stream of
 * tables of `chunkRows` rows in file order, so memory stays flat however many rows the file has.
 */
export async function* readTableChunks(source: string, options: ReadTableChunksOptions): AsyncGenerator<Table> {
  const chunkRows = options.chunkRows ?? 16_384;
  if (!Number.isSafeInteger(chunkRows) || chunkRows < 1)
    throw new MlpError('INVALID_ARGUMENT', `chunkRows must be a whole number ≥ 1, not ${chunkRows}.`);
  if (options.columns.length === 0) throw new MlpError('INVALID_ARGUMENT', 'readTableChunks needs at least one column to read.');
  options.signal?.throwIfAborted();
  const scan = await openTableScan(source, options.columns);
  const interrupt = () => scan.connection.interrupt();
  options.signal?.addEventListener('abort', interrupt, { once: true });
  const fail = async (error: unknown): Promise<never> => {
    if (options.signal?.aborted)
      throw new MlpError('FAILED_PRECONDITION', `Reading ${scan.file} was cancelled.`, { cause: options.signal.reason });
    throw await scan.unreadable(error);
  };
  try {
    const list = scan.expressions.map((expression, index) => `${expression} AS c${index}`).join(', ');
    const result = await scan.connection.stream(`SELECT ${list} FROM ${scan.scan}`).catch(fail);
    let cells = scan.selected.map(() => [] as Cell[]);
    let rows = 0;
    const table = (): Table => ({
      rowCount: rows,
      columns: new Map(scan.selected.map((column, index) => [column.name, cells[index] as Cell[]])),
    });
    for (;;) {
      const chunk = await result.fetchChunk().catch(fail);
      if (!chunk || chunk.rowCount === 0) break;
      // DuckDB's chunks (2,048 rows) are copied into the pending table until it is full.
      copyChunk(chunk, scan.selected, cells, rows);
      rows += chunk.rowCount;
      if (rows >= chunkRows) {
        yield table();
        cells = scan.selected.map(() => [] as Cell[]);
        rows = 0;
      }
    }
    if (rows > 0) yield table();
  } finally {
    options.signal?.removeEventListener('abort', interrupt);
    scan.close();
  }
}
