/** How a column of a given DuckDB type is tested: by value, by category, or not at all (and why). */
export type ColumnRole = { kind: 'numeric'; integer: boolean } | { kind: 'categorical' } | { kind: 'ignored'; reason: string };

const integers = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT)$/;
const reals = /^(FLOAT|DOUBLE|DECIMAL(\(\d+,\s*\d+\))?)$/;
const temporal = /^(DATE|TIME|TIMESTAMP|INTERVAL)/;

/**
 * Numbers are numeric, text, booleans and enums categorical (as Evidently infers them). Dates and
 * times are not tested: a later window always lies later, so they would always drift (Evidently
 * leaves datetime columns out too); nested and binary values have no order or categories to compare.
 */
export function columnRoleOf(duckDbType: string): ColumnRole {
  const type = duckDbType.toUpperCase();
  if (integers.test(type)) return { kind: 'numeric', integer: true };
  if (reals.test(type)) return { kind: 'numeric', integer: false };
  if (type === 'VARCHAR' || type === 'BOOLEAN' || type === 'UUID' || type.startsWith('ENUM')) return { kind: 'categorical' };
  if (temporal.test(type)) return { kind: 'ignored', reason: `a ${type.toLowerCase()} column: dates and times are not tested for drift` };
  return { kind: 'ignored', reason: `a ${type} column: only numbers, text and booleans are tested for drift` };
}
