import { connectSharedTabularDb, sqlString } from '@mlp/core/tabular';
import type { IngestFormat } from './ingest-options.js';

/**
 * Writes what `scan` (a DuckDB table function) reads into `file` as CSV (with a header) or Parquet
 * (zstd-compressed), and returns the rows written. DuckDB streams the copy, so memory stays bounded.
 */
export async function writeTable(scan: string, file: string, format: IngestFormat): Promise<number> {
  const connection = await connectSharedTabularDb();
  try {
    const options = format === 'parquet' ? 'FORMAT parquet, COMPRESSION zstd' : 'FORMAT csv, HEADER true';
    const result = await connection.run(`COPY (SELECT * FROM ${scan}) TO ${sqlString(file)} (${options})`);
    return Number(result.rowsChanged);
  } finally {
    connection.closeSync();
  }
}
