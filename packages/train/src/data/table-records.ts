import type { Table } from './table.js';

/**
 * Rows of a table as records keyed by column, dates as ISO-8601 text: the shape a model package's
 * signature takes. All rows and columns unless narrowed.
 */
export function tableRecords(
  table: Table,
  options: { rows?: ArrayLike<number>; columns?: readonly string[] } = {},
): Record<string, unknown>[] {
  const names = options.columns ?? [...table.columns.keys()];
  const columns = names.map((name) => [name, table.columns.get(name)] as const);
  const rows = options.rows ?? Array.from({ length: table.rowCount }, (_, row) => row);
  return Array.from(rows, (row) => {
    const record: Record<string, unknown> = {};
    for (const [name, cells] of columns) {
      const value = cells?.[row] ?? null;
      record[name] = value instanceof Date ? value.toISOString() : value;
    }
    return record;
  });
}
