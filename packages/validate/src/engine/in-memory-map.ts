import { MlpError } from '@mlp/core';
import { boundsOf, normalizeSet, zScoreParameters } from '../expectations/judge.js';
import { compileStrftime, isJson, isoDateFormat, matchesDateFormat } from '../expectations/string-formats.js';
import type { Expectation } from '../suite/suite.js';
import { codePointLength, type ResultValue, toResultValue } from '../values.js';
import type { InMemoryColumn } from './in-memory-table.js';

/** A row's verdict: expected, unexpected, or left out of the denominator (missing). */
export const EXPECTED = 0;
export const UNEXPECTED = 1;
export const MISSING = 2;
export type RowTest = (row: number) => 0 | 1 | 2;

/** A column's value at a row as a plain value, null when missing. */
export function valueAt(column: InMemoryColumn, row: number): unknown {
  switch (column.kind) {
    case 'number':
    case 'timestamp': {
      const value = column.values[row] as number;
      return Number.isNaN(value) ? null : value;
    }
    case 'boolean': {
      const value = column.values[row] as number;
      return value === -1 ? null : value === 1;
    }
    default:
      return column.values[row] ?? null;
  }
}

/** The value a result shows for a row (a tuple for multi-column expectations). */
export function resultValueAt(columns: InMemoryColumn[], row: number): ResultValue {
  if (columns.length === 1) return toResultValue(valueAt(columns[0]!, row), columns[0]!.kind);
  return columns.map((column) => toResultValue(valueAt(column, row), column.kind));
}

function typeMatches(value: unknown, type: string): boolean {
  switch (type) {
    case 'number':
      return typeof value === 'number';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    default:
      return value instanceof Date;
  }
}

function duplicates(keys: (string | number | boolean | null)[]): (row: number) => boolean {
  const counts = new Map<unknown, number>();
  for (const key of keys) if (key !== null) counts.set(key, (counts.get(key) ?? 0) + 1);
  return (row) => (counts.get(keys[row]) ?? 0) > 1;
}

/** Builds the row test of a row-by-row expectation; call it afresh for each pass (some tests keep state). */
export function makeRowTest(expectation: Expectation, columns: InMemoryColumn[]): RowTest {
  const args = expectation.args;
  const column = columns[0]!;
  const get = (row: number) => valueAt(column, row);
  const present = (test: (value: never) => boolean): RowTest => {
    return (row) => {
      const value = get(row);
      if (value === null) return MISSING;
      return test(value as never) ? EXPECTED : UNEXPECTED;
    };
  };
  switch (expectation.type) {
    case 'expectColumnValuesToNotBeNull':
      return (row) => (get(row) === null ? UNEXPECTED : EXPECTED);
    case 'expectColumnValuesToBeNull':
      return (row) => (get(row) === null ? EXPECTED : UNEXPECTED);
    case 'expectColumnValuesToBeBetween': {
      const { min, max, strictMin, strictMax } = boundsOf(args, column.kind);
      const low = min ?? Number.NEGATIVE_INFINITY;
      const high = max ?? Number.POSITIVE_INFINITY;
      const values = column.values as Float64Array;
      // The hot path: a tight loop over the typed array.
      return (row) => {
        const value = values[row] as number;
        if (Number.isNaN(value)) return MISSING;
        if (strictMin ? value <= low : value < low) return UNEXPECTED;
        if (strictMax ? value >= high : value > high) return UNEXPECTED;
        return EXPECTED;
      };
    }
    case 'expectColumnValuesToBeInSet':
    case 'expectColumnValuesToNotBeInSet': {
      const members = new Set<unknown>(normalizeSet(args.valueSet as unknown[], column.kind));
      const wanted = expectation.type === 'expectColumnValuesToBeInSet';
      return present((value) => members.has(value) === wanted);
    }
    case 'expectColumnValuesToBeUnique': {
      const keys = Array.from({ length: column.values.length }, (_, row) => get(row) as string | number | boolean | null);
      const repeated = duplicates(keys);
      return (row) => (keys[row] === null ? MISSING : repeated(row) ? UNEXPECTED : EXPECTED);
    }
    case 'expectColumnValuesToBeOfType': {
      const type = args.type as string;
      if (column.kind === 'mixed') return present((value) => typeMatches(value, type));
      if (column.kind === 'number') return present((value: number) => type === 'number' || (type === 'integer' && Number.isInteger(value)));
      return present(() => column.kind === type);
    }
    case 'expectColumnValuesToMatchRegex':
    case 'expectColumnValuesToNotMatchRegex': {
      const regex = compileRegex(args.regex as string);
      const wanted = expectation.type === 'expectColumnValuesToMatchRegex';
      return present((value: string) => regex.test(value) === wanted);
    }
    case 'expectColumnValuesToMatchStrftimeFormat':
    case 'expectColumnValuesToBeParseableAsDate': {
      const format =
        expectation.type === 'expectColumnValuesToBeParseableAsDate' ? isoDateFormat : compileStrftime(args.strftimeFormat as string);
      const regex = new RegExp(format.regex, 'u');
      return present((value: string) => matchesDateFormat(value, format, regex));
    }
    case 'expectColumnValuesToBeJsonParseable':
      return present((value: string) => isJson(value));
    case 'expectColumnValueLengthsToBeBetween': {
      const min = (args.minValue as number | null | undefined) ?? 0;
      const max = (args.maxValue as number | null | undefined) ?? Number.POSITIVE_INFINITY;
      return present((value: string) => {
        const length = codePointLength(value);
        return length >= min && length <= max;
      });
    }
    case 'expectColumnValueLengthsToEqual':
      return present((value: string) => codePointLength(value) === args.value);
    case 'expectColumnValueZScoresToBeLessThan': {
      const observed = meanAndStdev(column.values as Float64Array);
      if (observed[0] === null) return () => MISSING; // no values: vacuously true
      const { mean, stdev } = zScoreParameters(...observed);
      const threshold = args.threshold as number;
      const doubleSided = args.doubleSided as boolean;
      return present((value: number) => {
        const z = (value - mean) / stdev;
        return (doubleSided ? Math.abs(z) : z) < threshold;
      });
    }
    case 'expectColumnValuesToBeIncreasing':
    case 'expectColumnValuesToBeDecreasing': {
      const sign = expectation.type === 'expectColumnValuesToBeIncreasing' ? 1 : -1;
      const strictly = args.strictly as boolean;
      let previous: number | undefined;
      return present((value: number) => {
        const ok = previous === undefined || (strictly ? (value - previous) * sign > 0 : (value - previous) * sign >= 0);
        previous = value;
        return ok;
      });
    }
    case 'expectColumnPairValuesToBeEqual':
    case 'expectColumnPairValuesAToBeGreaterThanB': {
      const other = columns[1]!;
      const skip = args.ignoreRowIf as string;
      const compare =
        expectation.type === 'expectColumnPairValuesToBeEqual'
          ? (a: unknown, b: unknown) => a === b
          : args.orEqual
            ? (a: unknown, b: unknown) => (a as number) >= (b as number)
            : (a: unknown, b: unknown) => (a as number) > (b as number);
      return (row) => {
        const a = get(row);
        const b = valueAt(other, row);
        const missingA = a === null;
        const missingB = b === null;
        if (skip === 'bothValuesAreMissing' ? missingA && missingB : skip === 'eitherValueIsMissing' ? missingA || missingB : false)
          return MISSING;
        if (missingA || missingB) return UNEXPECTED;
        return compare(a, b) ? EXPECTED : UNEXPECTED;
      };
    }
    case 'expectCompoundColumnsToBeUnique': {
      const skip = args.ignoreRowIf as string;
      const rowCount = column.values.length;
      const keys: (string | null)[] = new Array(rowCount);
      for (let row = 0; row < rowCount; row++) {
        const values = columns.map((each) => valueAt(each, row));
        const missing = values.filter((value) => value === null).length;
        const skipped = skip === 'allValuesAreMissing' ? missing === values.length : skip === 'anyValueIsMissing' ? missing > 0 : false;
        keys[row] = skipped ? null : JSON.stringify(values);
      }
      const repeated = duplicates(keys);
      return (row) => (keys[row] === null ? MISSING : repeated(row) ? UNEXPECTED : EXPECTED);
    }
    default:
      throw new MlpError('INTERNAL', `${expectation.type} is not a row-by-row expectation.`);
  }
}

export function compileRegex(source: string): RegExp {
  try {
    return new RegExp(source, 'u');
  } catch (error) {
    throw new MlpError(
      'INVALID_ARGUMENT',
      `regex ${JSON.stringify(source)} is not a valid regular expression: ${(error as Error).message}`,
    );
  }
}

/** Mean and sample standard deviation of the non-missing values (null when undefined). */
export function meanAndStdev(values: Float64Array): [number | null, number | null] {
  let count = 0;
  let mean = 0;
  let m2 = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number;
    if (Number.isNaN(value)) continue;
    count++;
    const delta = value - mean;
    mean += delta / count;
    m2 += delta * (value - mean);
  }
  return [count === 0 ? null : mean, count < 2 ? null : Math.sqrt(m2 / (count - 1))];
}
