import { MlpError } from '@mlp/core';
import type { ColumnKind } from '../values.js';

/**
 * A column held in memory. Numbers and timestamps (epoch ms) are a Float64Array with NaN for missing;
 * booleans an Int8Array with -1 for missing; strings an array with null for missing.
 */
export type InMemoryColumn =
  | { name: string; kind: 'number' | 'timestamp'; values: Float64Array }
  | { name: string; kind: 'boolean'; values: Int8Array }
  | { name: string; kind: 'string'; values: (string | null)[] }
  | { name: string; kind: 'mixed'; values: unknown[] };

export interface InMemoryTable {
  readonly rowCount: number;
  readonly columns: readonly InMemoryColumn[];
}

/** A column given to `createTable`: a typed array, an array of values, or values with an explicit kind. */
export type ColumnInput =
  | Float64Array
  | Float32Array
  | Int32Array
  | Uint32Array
  | Int16Array
  | Uint8Array
  | readonly unknown[]
  | { kind: ColumnKind; values: readonly unknown[] | Float64Array };

const isMissing = (value: unknown) => value === null || value === undefined || (typeof value === 'number' && Number.isNaN(value));

function inferKind(values: readonly unknown[]): ColumnKind {
  let kind: ColumnKind | undefined;
  for (const value of values) {
    if (isMissing(value)) continue;
    const own: ColumnKind =
      typeof value === 'number' || typeof value === 'bigint'
        ? 'number'
        : typeof value === 'string'
          ? 'string'
          : typeof value === 'boolean'
            ? 'boolean'
            : value instanceof Date
              ? 'timestamp'
              : 'mixed';
    if (kind === undefined) kind = own;
    else if (kind !== own) return 'mixed';
  }
  return kind ?? 'string';
}

function toEpoch(value: unknown, name: string, row: number): number {
  if (isMissing(value)) return Number.NaN;
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    if (!Number.isNaN(ms)) return ms;
  }
  throw new MlpError('INVALID_ARGUMENT', `Column "${name}" row ${row}: ${JSON.stringify(value)} is not a timestamp.`);
}

/** Builds one column of a kind from values, checking each value fits. */
export function buildColumn(name: string, kind: ColumnKind, values: readonly unknown[] | Float64Array): InMemoryColumn {
  if (values instanceof Float64Array && (kind === 'number' || kind === 'timestamp')) return { name, kind, values };
  const input = Array.from(values as ArrayLike<unknown>);
  switch (kind) {
    case 'number':
      return {
        name,
        kind,
        values: Float64Array.from(input, (value, row) => {
          if (isMissing(value)) return Number.NaN;
          if (typeof value === 'number') return value;
          if (typeof value === 'bigint') return Number(value);
          throw new MlpError('INVALID_ARGUMENT', `Column "${name}" row ${row}: ${JSON.stringify(value)} is not a number.`);
        }),
      };
    case 'timestamp':
      return { name, kind, values: Float64Array.from(input, (value, row) => toEpoch(value, name, row)) };
    case 'boolean':
      return {
        name,
        kind,
        values: Int8Array.from(input, (value, row) => {
          if (isMissing(value)) return -1;
          if (typeof value === 'boolean') return value ? 1 : 0;
          throw new MlpError('INVALID_ARGUMENT', `Column "${name}" row ${row}: ${JSON.stringify(value)} is not a boolean.`);
        }),
      };
    case 'string':
      return {
        name,
        kind,
        values: input.map((value, row) => {
          if (isMissing(value)) return null;
          if (typeof value === 'string') return value;
          throw new MlpError('INVALID_ARGUMENT', `Column "${name}" row ${row}: ${JSON.stringify(value)} is not a string.`);
        }),
      };
    default:
      return { name, kind: 'mixed', values: input.map((value) => (isMissing(value) ? null : value)) };
  }
}

/** A table from columns: `createTable({ delay: new Float64Array([...]), origin: ['SEA', null] })`. */
export function createTable(columns: Record<string, ColumnInput>): InMemoryTable {
  const built: InMemoryColumn[] = [];
  let rowCount: number | undefined;
  for (const [name, input] of Object.entries(columns)) {
    let column: InMemoryColumn;
    if (ArrayBuffer.isView(input))
      column = buildColumn(name, 'number', input instanceof Float64Array ? input : Float64Array.from(input as ArrayLike<number>));
    else if (Array.isArray(input)) column = buildColumn(name, inferKind(input), input);
    else {
      const explicit = input as { kind: ColumnKind; values: readonly unknown[] | Float64Array };
      column = buildColumn(name, explicit.kind, explicit.values);
    }
    if (rowCount !== undefined && column.values.length !== rowCount) {
      throw new MlpError(
        'INVALID_ARGUMENT',
        `Column "${name}" has ${column.values.length} values; the columns before it have ${rowCount}.`,
      );
    }
    rowCount = column.values.length;
    built.push(column);
  }
  return { rowCount: rowCount ?? 0, columns: built };
}

/** A table from row objects; columns in first-seen order, a key absent from a row is missing there. */
export function tableFromRows(
  rows: readonly Record<string, unknown>[],
  options: { kinds?: Record<string, ColumnKind> } = {},
): InMemoryTable {
  const names: string[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    for (const key of Object.keys(row)) {
      if (!seen.has(key)) {
        seen.add(key);
        names.push(key);
      }
    }
  }
  const columns: Record<string, ColumnInput> = {};
  for (const name of names) {
    const values = rows.map((row) => row[name]);
    const kind = options.kinds?.[name];
    columns[name] = kind ? { kind, values } : values;
  }
  return createTable(columns);
}
