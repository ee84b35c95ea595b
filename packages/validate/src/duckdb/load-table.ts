import { type DuckDBConnection, DuckDBTimestampValue } from '@duckdb/node-api';
import { sqlIdentifier } from '@mlp/core/tabular';
import type { ColumnKind } from '../values.js';

const duckDbTypes: Record<ColumnKind, string> = {
  number: 'DOUBLE',
  string: 'VARCHAR',
  boolean: 'BOOLEAN',
  timestamp: 'TIMESTAMP',
  mixed: 'VARCHAR',
};

/** Creates (or replaces) a DuckDB table from columns of values in the shared model (timestamps as epoch ms). */
export async function loadColumns(
  connection: DuckDBConnection,
  table: string,
  columns: Record<string, { kind: ColumnKind; values: ArrayLike<unknown> }>,
): Promise<void> {
  const entries = Object.entries(columns);
  await connection.run(
    `CREATE OR REPLACE TABLE ${sqlIdentifier(table)} (${entries.map(([name, column]) => `${sqlIdentifier(name)} ${duckDbTypes[column.kind]}`).join(', ')})`,
  );
  const appender = await connection.createAppender(table);
  const rowCount = entries[0]?.[1].values.length ?? 0;
  for (let row = 0; row < rowCount; row++) {
    for (const [, column] of entries) {
      const value = column.values[row];
      if (value === null || value === undefined) appender.appendNull();
      else if (column.kind === 'number') appender.appendDouble(value as number);
      else if (column.kind === 'boolean') appender.appendBoolean(value as boolean);
      else if (column.kind === 'timestamp') {
        if (Number.isNaN(value)) appender.appendNull();
        else appender.appendTimestamp(new DuckDBTimestampValue(BigInt(Math.round(value as number)) * 1000n));
      } else appender.appendVarchar(typeof value === 'string' ? value : JSON.stringify(value));
    }
    appender.endRow();
  }
  appender.closeSync();
}
