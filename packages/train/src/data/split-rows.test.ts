import { describe, expect, it } from 'vitest';
import { splitSchema } from '../spec/train-spec.js';
import { thrown } from '../test-support/thrown.js';
import { splitRows } from './split-rows.js';
import type { Cell, Table } from './table.js';

function table(columns: Record<string, Cell[]>): Table {
  const first = Object.values(columns)[0] ?? [];
  return { rowCount: first.length, columns: new Map(Object.entries(columns)) };
}

const ids = (n: number) => table({ id: Array.from({ length: n }, (_, i) => i) });

describe('splitRows, random', () => {
  const split = splitSchema.parse({ validation: 0.1, test: 0.2 });

  it('covers every row exactly once, in the requested proportions', () => {
    const { train, validation, test } = splitRows(ids(1000), split, 1);
    expect([train.length, validation.length, test.length]).toEqual([700, 100, 200]);
    const all = [...train, ...validation, ...test].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });

  it('is deterministic per seed and differs across seeds', () => {
    const a = splitRows(ids(500), split, 7);
    const b = splitRows(ids(500), split, 7);
    const c = splitRows(ids(500), split, 8);
    expect([...a.test]).toEqual([...b.test]);
    expect([...a.validation]).toEqual([...b.validation]);
    expect([...a.test]).not.toEqual([...c.test]);
  });

  it('mixes rows rather than cutting the file', () => {
    const { test } = splitRows(ids(1000), split, 3);
    // A cut would give 800..999; a shuffle spreads the test rows over the whole range.
    expect(Math.min(...test)).toBeLessThan(100);
  });

  it('fails with FAILED_PRECONDITION when a requested split would be empty', () => {
    const error = thrown(() => splitRows(ids(3), split, 1));
    expect(error.code).toBe('FAILED_PRECONDITION');
    expect(error.message).toContain('3 rows');
    expect(error.message).toContain('validation');
    expect(thrown(() => splitRows(ids(0), split, 1)).code).toBe('FAILED_PRECONDITION');
  });

  it('allows a zero-size validation split', () => {
    const { validation, train } = splitRows(ids(10), splitSchema.parse({ validation: 0, test: 0.2 }), 1);
    expect(validation.length).toBe(0);
    expect(train.length).toBe(8);
  });
});

describe('splitRows, time', () => {
  const split = splitSchema.parse({ method: 'time', column: 'when', validation: 0.2, test: 0.2 });

  it('trains on the oldest rows and tests on the newest', () => {
    // Rows out of time order, mixing Dates, epoch milliseconds and ISO text.
    const base = Date.UTC(2024, 0, 1);
    const offsets = [5, 2, 9, 0, 7, 1, 8, 3, 6, 4];
    const when: Cell[] = offsets.map((day, row) => {
      const time = base + day * 86_400_000;
      return row % 3 === 0 ? new Date(time) : row % 3 === 1 ? time : new Date(time).toISOString();
    });
    const { train, validation, test } = splitRows(table({ when }), split, 1);
    const days = (rows: Int32Array) => [...rows].map((row) => offsets[row]).sort((a, b) => (a as number) - (b as number));
    expect(days(train)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(days(validation)).toEqual([6, 7]);
    expect(days(test)).toEqual([8, 9]);
  });

  it('refuses null timestamps and a missing column with INVALID_ARGUMENT', () => {
    const error = thrown(() => splitRows(table({ when: [1, null, 3, 4, 5, 6, 7, 8, 9, 10] }), split, 1));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain('row 1');
    expect(thrown(() => splitRows(ids(10), split, 1)).code).toBe('INVALID_ARGUMENT');
  });
});
