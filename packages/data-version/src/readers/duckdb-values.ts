import { DuckDBTypeId, type DuckDBValueConverter, type JS, JSDuckDBValueConverter } from '@duckdb/node-api';

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);

/**
 * DuckDB values as plain JavaScript: numbers, strings, booleans, Dates, arrays and objects. 64-bit
 * integers become numbers when they fit (they almost always do; counts and ids), else stay bigint.
 */
export const toJsValue: DuckDBValueConverter<JS> = (value, type, converter) => {
  const converted = JSDuckDBValueConverter(value, type, converter);
  return typeof converted === 'bigint' && converted <= MAX_SAFE && converted >= MIN_SAFE ? Number(converted) : converted;
};

const numericTypes = new Set<DuckDBTypeId>([
  DuckDBTypeId.TINYINT,
  DuckDBTypeId.SMALLINT,
  DuckDBTypeId.INTEGER,
  DuckDBTypeId.BIGINT,
  DuckDBTypeId.HUGEINT,
  DuckDBTypeId.UTINYINT,
  DuckDBTypeId.USMALLINT,
  DuckDBTypeId.UINTEGER,
  DuckDBTypeId.UBIGINT,
  DuckDBTypeId.UHUGEINT,
  DuckDBTypeId.FLOAT,
  DuckDBTypeId.DOUBLE,
  DuckDBTypeId.DECIMAL,
]);

/** Numeric columns are read into a Float64Array (null as NaN), ready for tensors; the rest into arrays. */
export function isNumericType(typeId: DuckDBTypeId): boolean {
  return numericTypes.has(typeId);
}
