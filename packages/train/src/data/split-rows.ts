import { MlpError } from '@mlp/core';
import { parseTimestamp } from '../features/date-parts.js';
import type { SplitSpec } from '../spec/train-spec.js';
import { createRandom, shuffleInPlace } from './seeded-random.js';
import type { Table } from './table.js';

/** Row indices of each split, each in ascending order. */
export interface RowSplits {
  train: Int32Array;
  validation: Int32Array;
  test: Int32Array;
}

/**
 * Splits the rows of `table`. `random`: a seeded shuffle, then cut; the same seed and row count give
 * the same split. `time`: ordered by `split.column` ascending (ties by row), the oldest rows train,
 * the next validate and the newest test, so the model is judged on a future it has not seen.
 */
export function splitRows(table: Table, split: SplitSpec, seed: number): RowSplits {
  const n = table.rowCount;
  const validationCount = Math.round(n * split.validation);
  const testCount = Math.round(n * split.test);
  assertCounts(n, split, validationCount, testCount);
  const order =
    split.method === 'time'
      ? timeOrder(table, split.column)
      : shuffleInPlace(
          Int32Array.from({ length: n }, (_, row) => row),
          createRandom(seed),
        );
  const trainEnd = n - validationCount - testCount;
  const sorted = (from: number, to: number) => order.slice(from, to).sort();
  return {
    train: sorted(0, trainEnd),
    validation: sorted(trainEnd, trainEnd + validationCount),
    test: sorted(trainEnd + validationCount, n),
  };
}

function assertCounts(n: number, split: SplitSpec, validationCount: number, testCount: number): void {
  const empty = (what: string, advice: string) =>
    new MlpError('FAILED_PRECONDITION', `The data has ${n} row${n === 1 ? '' : 's'}, which leaves the ${what} split empty: ${advice}.`, {
      details: { rows: n, validation: split.validation, test: split.test },
    });
  if (n - validationCount - testCount <= 0) throw empty('training', 'read more rows, or lower split.validation and split.test');
  if (split.validation > 0 && validationCount === 0) throw empty('validation', 'read more rows, raise split.validation, or set it to 0');
  if (split.test > 0 && testCount === 0) throw empty('test', 'read more rows, raise split.test, or set it to 0');
}

/** Rows ordered by their timestamp (a Date, epoch milliseconds or ISO-8601 text). */
function timeOrder(table: Table, column: string | undefined): Int32Array {
  if (!column) throw new MlpError('INVALID_ARGUMENT', "A time split needs 'column', the timestamp to order rows by.");
  const cells = table.columns.get(column);
  if (!cells) {
    throw new MlpError(
      'INVALID_ARGUMENT',
      `The time split column ${JSON.stringify(column)} is not in the data; its columns are ${[...table.columns.keys()].join(', ')}.`,
    );
  }
  const times = new Float64Array(table.rowCount);
  let missing = 0;
  let firstBad = -1;
  for (let row = 0; row < table.rowCount; row++) {
    const time = parseTimestamp(cells[row] ?? null);
    if (time === undefined || Number.isNaN(time)) {
      missing++;
      if (firstBad < 0) firstBad = row;
    } else times[row] = time;
  }
  if (missing > 0) {
    throw new MlpError(
      'INVALID_ARGUMENT',
      `The time split column ${JSON.stringify(column)} has ${missing} row${missing === 1 ? '' : 's'} without a usable timestamp (first: row ${firstBad}, ${JSON.stringify(cells[firstBad])}): drop or fill them, or split at random.`,
      { details: { column, missing, firstRow: firstBad } },
    );
  }
  const order = Int32Array.from({ length: table.rowCount }, (_, row) => row);
  return order.sort((a, b) => (times[a] as number) - (times[b] as number) || a - b);
}
