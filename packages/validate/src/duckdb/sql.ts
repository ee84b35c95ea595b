import { sqlString } from '@mlp/core/tabular';

/** SQL literals for the DuckDB engine beyond core's quoting (`sqlIdentifier`, `sqlString`): numbers and any value. */

export function numberLiteral(value: number): string {
  if (Number.isNaN(value)) return `'NaN'::DOUBLE`;
  if (!Number.isFinite(value)) return value > 0 ? `'Infinity'::DOUBLE` : `'-Infinity'::DOUBLE`;
  return Number.isInteger(value) && Math.abs(value) < 2 ** 53 ? String(value) : `${String(value)}::DOUBLE`;
}

export function literal(value: string | number | boolean): string {
  if (typeof value === 'string') return sqlString(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  return numberLiteral(value);
}

/** A plain JavaScript value from what DuckDB returns (bigints as numbers). */
export function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (value && typeof value === 'object' && 'items' in value && Array.isArray((value as { items: unknown[] }).items)) {
    return (value as { items: unknown[] }).items.map(plain);
  }
  return value;
}
