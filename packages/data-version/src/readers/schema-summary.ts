import type { DuckDBConnection } from '@duckdb/node-api';
import { connectSharedTabularDb, sqlString, type TabularFormat, tabularReadError, tabularScanSql } from '@mlp/core/tabular';
import type { TabularSchema } from '../catalog/catalog-model.js';

/**
 * Columns and types (DuckDB's DESCRIBE) and the row count of a tabular file. Parquet's count comes from
 * its footer; the text formats are counted with one scan.
 */
export async function summarizeTable(file: string, format: TabularFormat, connection?: DuckDBConnection): Promise<TabularSchema> {
  const conn = connection ?? (await connectSharedTabularDb());
  try {
    const scan = tabularScanSql(file, format);
    const described = await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${scan}`);
    const columns = described.getRowObjectsJS().map((row) => ({ name: String(row.column_name), type: String(row.column_type) }));
    const countSql =
      format === 'parquet'
        ? `SELECT sum(num_rows)::BIGINT AS n FROM parquet_file_metadata(${sqlString(file)})`
        : `SELECT count(*)::BIGINT AS n FROM ${scan}`;
    const counted = await conn.runAndReadAll(countSql);
    const rowCount = Number(counted.getRowObjectsJS()[0]?.n ?? 0);
    return { format, columns, rowCount };
  } catch (error) {
    throw await tabularReadError(error, file, format);
  } finally {
    if (!connection) conn.closeSync();
  }
}
