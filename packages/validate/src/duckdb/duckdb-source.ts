import { sqlIdentifier, type TabularFormat, tabularScanSql } from '@mlp/core/tabular';
import type { ColumnKind } from '../values.js';

/** @deprecated use `TabularFormat` from `@mlp/core/tabular`: the one set of format names every package reads. */
export type FileFormat = TabularFormat;

export interface Relations {
  relation: string;
  rowRelation: string;
}

/** FROM clauses that read a file once, and once with a 0-based `__row` column. */
export function fileRelations(file: string, format: TabularFormat): Relations {
  const reader = tabularScanSql(file, format);
  // Parquet numbers its rows itself; the text formats are numbered in scan order.
  const rowRelation =
    format === 'parquet'
      ? `(SELECT *, file_row_number AS __row FROM ${tabularScanSql(file, format, { fileRowNumber: true })})`
      : `(SELECT *, row_number() OVER () - 1 AS __row FROM ${reader})`;
  return { relation: reader, rowRelation };
}

export function tableRelations(table: string): Relations {
  return { relation: sqlIdentifier(table), rowRelation: `(SELECT *, rowid AS __row FROM ${sqlIdentifier(table)})` };
}

/** The shared kind of a DuckDB column type. */
export function kindOfDuckDbType(type: string): ColumnKind {
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL)/.test(type))
    return 'number';
  if (type === 'VARCHAR') return 'string';
  if (type === 'BOOLEAN') return 'boolean';
  if (/^(DATE|TIMESTAMP)/.test(type)) return 'timestamp';
  return 'mixed';
}

/** A column's value expression: NULL when missing (NaN included), timestamps as epoch milliseconds. */
export function valueExpression(name: string, type: string): string {
  const column = sqlIdentifier(name);
  const kind = kindOfDuckDbType(type);
  if (kind === 'number') {
    if (type === 'FLOAT' || type === 'DOUBLE') return `nullif(${column}, 'NaN'::DOUBLE)`;
    if (type.startsWith('DECIMAL') || type.startsWith('HUGEINT') || type.startsWith('UHUGEINT') || type === 'UBIGINT')
      return `CAST(${column} AS DOUBLE)`;
    return column;
  }
  if (kind === 'timestamp')
    return type === 'TIMESTAMP' || type === 'TIMESTAMP WITH TIME ZONE' ? `epoch_ms(${column})` : `epoch_ms(CAST(${column} AS TIMESTAMP))`;
  if (kind === 'mixed') return `CAST(${column} AS VARCHAR)`;
  return column;
}
