/**
 * The value model both engines share. A column has one kind; numbers and timestamps travel as
 * float64 (timestamps as epoch milliseconds), and NaN counts as missing, as null does (pandas' view,
 * which Great Expectations inherits), so both engines agree on every denominator.
 */
export type ColumnKind = 'number' | 'string' | 'boolean' | 'timestamp' | 'mixed';

/** A value as it appears in results: JSON-friendly (timestamps as ISO strings). */
export type ResultValue = number | string | boolean | null | ResultValue[];

export interface ColumnInfo {
  name: string;
  kind: ColumnKind;
  /** The engine's own type name (`DOUBLE`, `VARCHAR`, `Float64Array`), for reports. */
  nativeType: string;
}

/** Orders values the way DuckDB does: numbers numerically, strings by code point (UTF-8 byte order). */
export function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return compareCodePoints(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const order = compareValues(a[i], b[i]);
      if (order !== 0) return order;
    }
    return a.length - b.length;
  }
  // Nulls sort last, as DuckDB's default NULLS LAST does.
  const rank = (value: unknown) =>
    value === null || value === undefined ? 4 : typeof value === 'boolean' ? 1 : typeof value === 'number' ? 2 : 3;
  return rank(a) - rank(b) || compareCodePoints(String(a), String(b));
}

/** JavaScript compares UTF-16 code units; comparing code points matches UTF-8 byte order (and DuckDB). */
export function compareCodePoints(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a.codePointAt(i) as number;
    const y = b.codePointAt(j) as number;
    if (x !== y) return x - y;
    i += x > 0xffff ? 2 : 1;
    j += y > 0xffff ? 2 : 1;
  }
  return a.length - i - (b.length - j);
}

/** Length in Unicode code points, as DuckDB's `length()` counts. */
export function codePointLength(value: string): number {
  let length = 0;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < value.length) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    length++;
  }
  return length;
}

/** A timestamp argument (ISO string, epoch ms, or Date) as epoch milliseconds, or undefined when it is none. */
export function toEpochMs(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'string') {
    // A date-time without a zone is UTC, as DuckDB's TIMESTAMP is.
    const iso = value.trim().replace(/^(\d{4}-\d{2}-\d{2}) /, '$1T');
    const hasZone = /(?:[zZ]|[+-]\d\d:?\d\d)$/.test(iso);
    const ms = Date.parse(iso.includes('T') && !hasZone ? `${iso}Z` : iso);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

/** A column value as results show it. */
export function toResultValue(value: unknown, kind: ColumnKind): ResultValue {
  if (value === null || value === undefined) return null;
  if (kind === 'timestamp' && typeof value === 'number') return Number.isFinite(value) ? new Date(value).toISOString() : null;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map((item) => toResultValue(item, 'mixed'));
  return JSON.stringify(value);
}
