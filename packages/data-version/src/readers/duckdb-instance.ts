import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

let instance: Promise<DuckDBInstance> | undefined;

/**
 * One in-memory DuckDB per process, created at first use: it only scans and converts files, so there
 * is nothing to persist, and each caller gets its own connection.
 */
export async function connectDuckDb(): Promise<DuckDBConnection> {
  instance ??= DuckDBInstance.create(':memory:');
  return (await instance).connect();
}

/** A SQL string literal (file paths, values). */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** A SQL identifier (column names may hold spaces, quotes, anything). */
export function sqlIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
