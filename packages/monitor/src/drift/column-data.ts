import { MlpError } from '@mlp/core';
import type { CountedValues } from '../stats/ks-two-sample.js';

/**
 * One side's values of a numeric column, as the drift tests read them: its non-null finite values as
 * sorted distinct values with counts (exact, and small when values repeat), and how many were null.
 * Evidently drops nulls and infinities before testing; so do we, and report them.
 */
export interface NumericColumnData extends CountedValues {
  kind: 'numeric';
  /** The column held whole numbers (numpy then widens a Sturges bin narrower than 1 to 1). */
  integer: boolean;
  /** Null, NaN and infinite values, not tested. */
  nulls: number;
}

/** One side's values of a categorical column: each category and how often it occurs. */
export interface CategoricalColumnData {
  kind: 'categorical';
  categories: string[];
  counts: Float64Array;
  total: number;
  nulls: number;
}

export type DriftColumnData = NumericColumnData | CategoricalColumnData;
export type DriftColumnKind = DriftColumnData['kind'];

/** A numeric column's data from sorted distinct values and their counts. */
export function numericColumn(
  values: Float64Array,
  counts: Float64Array,
  options: { nulls?: number; integer?: boolean } = {},
): NumericColumnData {
  let total = 0;
  for (let i = 0; i < counts.length; i += 1) total += counts[i] as number;
  return { kind: 'numeric', values, counts, total, nulls: options.nulls ?? 0, integer: options.integer ?? false };
}

/** A numeric column's data from raw values (null, NaN and ±Infinity counted as nulls). */
export function numericColumnOf(raw: ArrayLike<number | null | undefined>, options: { integer?: boolean } = {}): NumericColumnData {
  const finite: number[] = [];
  let nulls = 0;
  for (let i = 0; i < raw.length; i += 1) {
    const value = raw[i];
    if (typeof value === 'number' && Number.isFinite(value)) finite.push(value);
    else nulls += 1;
  }
  const sorted = Float64Array.from(finite).sort();
  const values: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < sorted.length; i += 1) {
    const value = sorted[i] as number;
    if (values.length > 0 && values[values.length - 1] === value) counts[counts.length - 1] = (counts[counts.length - 1] as number) + 1;
    else {
      values.push(value);
      counts.push(1);
    }
  }
  const integer = options.integer ?? finite.every((value) => Number.isInteger(value));
  return numericColumn(Float64Array.from(values), Float64Array.from(counts), { nulls, integer });
}

/** A categorical column's data from raw values (null and undefined counted as nulls; others as their text). */
export function categoricalColumnOf(raw: ArrayLike<unknown>): CategoricalColumnData {
  const counts = new Map<string, number>();
  let nulls = 0;
  for (let i = 0; i < raw.length; i += 1) {
    const value = raw[i];
    if (value === null || value === undefined) nulls += 1;
    else {
      const key = String(value);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return categoricalColumn([...counts.keys()], Float64Array.from(counts.values()), nulls);
}

export function categoricalColumn(categories: string[], counts: Float64Array, nulls = 0): CategoricalColumnData {
  if (categories.length !== counts.length) {
    throw new MlpError('INVALID_ARGUMENT', `${categories.length} categories but ${counts.length} counts: give one count per category.`);
  }
  let total = 0;
  for (let i = 0; i < counts.length; i += 1) total += counts[i] as number;
  return { kind: 'categorical', categories, counts, total, nulls };
}

/** A column's values from a JS array: numeric when every non-null value is a number, else categorical. */
export function columnOf(raw: ArrayLike<unknown>): DriftColumnData {
  for (let i = 0; i < raw.length; i += 1) {
    const value = raw[i];
    if (value !== null && value !== undefined && typeof value !== 'number') return categoricalColumnOf(raw);
  }
  return numericColumnOf(raw as ArrayLike<number | null>);
}

/** How many distinct values the two sides hold together (pandas' `concat(...).nunique()`). */
export function pooledDistinct(a: DriftColumnData, b: DriftColumnData): number {
  if (a.kind === 'numeric' && b.kind === 'numeric') {
    let i = 0;
    let j = 0;
    let n = 0;
    while (i < a.values.length || j < b.values.length) {
      const va = i < a.values.length ? (a.values[i] as number) : Number.POSITIVE_INFINITY;
      const vb = j < b.values.length ? (b.values[j] as number) : Number.POSITIVE_INFINITY;
      const x = Math.min(va, vb);
      if (va === x) i += 1;
      if (vb === x) j += 1;
      n += 1;
    }
    return n;
  }
  return new Set([...keysOf(a), ...keysOf(b)]).size;
}

/** The column's distinct values as category keys (numbers as their text). */
export function keysOf(column: DriftColumnData): string[] {
  return column.kind === 'categorical' ? column.categories : Array.from(column.values, (value) => String(value));
}

/** How many distinct values the column holds. */
export function distinctCount(column: DriftColumnData): number {
  return column.kind === 'categorical' ? column.categories.length : column.values.length;
}
