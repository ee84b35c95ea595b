import { MlpError } from '@mlp/core';
import { describe, expect, it } from 'vitest';
import { categoricalColumnOf, numericColumnOf } from '../drift/column-data.js';
import { DatasetProfile, profileColumnData } from '../profile/dataset-profile.js';
import { checkColumnDataQuality, checkDataQuality } from './data-quality.js';

const reference = {
  delay: numericColumnOf([...Array.from({ length: 90 }, (_, i) => i - 10), null, null, null, null, null, null, null, null, null, null]),
  origin: categoricalColumnOf(Array.from({ length: 100 }, (_, i) => ['SEA', 'SFO', 'LAX'][i % 3])),
};

describe('data quality against the reference', () => {
  it('counts missing shares, new categories and out-of-range values by hand (exact column data)', () => {
    // Reference: delay in [-10, 79], 10 of 100 missing; origin SEA, SFO, LAX.
    const current = {
      delay: numericColumnOf([-11, -10, 0, 79, 80, 100, 5, null, null, null]),
      origin: categoricalColumnOf(['SEA', 'JFK', 'JFK', 'BOS', 'SFO', 'LAX', null, 'SEA', 'SEA', 'SEA']),
    };
    const result = checkColumnDataQuality(reference, current);
    const delay = result.columns.find((column) => column.column === 'delay');
    // Missing 3/10 against the reference's 0.1 × 1.1 = 0.11: fails. Out of range: -11 below, 80 and 100 above, of 7.
    expect(delay?.missing).toMatchObject({ reference: 0.1, current: 0.3, failed: true });
    expect(delay?.missing?.limit).toBeCloseTo(0.11, 15);
    expect(delay?.outOfRange).toEqual({ below: 1, above: 2, share: 3 / 7, min: -10, max: 79, exact: true, failed: true });
    const origin = result.columns.find((column) => column.column === 'origin');
    // New: JFK twice and BOS once of 9 values; missing 1/10 against 0 → fails too.
    expect(origin?.newCategories).toEqual({ count: 3, share: 3 / 9, values: ['JFK', 'BOS'], exact: true, failed: true });
    expect(origin?.missing).toMatchObject({ reference: 0, current: 0.1, failed: true });
    expect(result).toMatchObject({ failed: true, checkedColumns: 2, failedColumns: 2 });
  });

  it('passes clean data, and tolerances loosen each check', () => {
    const clean = checkColumnDataQuality(reference, {
      delay: numericColumnOf([-10, 0, 79, 40, 3, 4, 5, 6, 7, null]),
      origin: categoricalColumnOf(['SEA', 'SFO', 'LAX']),
    });
    expect(clean.failed).toBe(false);
    expect(clean.columns.map((column) => column.failed)).toEqual([false, false]);
    const loose = checkColumnDataQuality(
      reference,
      { delay: numericColumnOf([-11, 0, 1, 2, null, null]), origin: categoricalColumnOf(['SEA', 'JFK', 'SFO', 'LAX']) },
      { missingShareMargin: 0.3, maxNewCategoryShare: 0.25, maxOutOfRangeShare: 0.25 },
    );
    // delay: 2/6 missing ≤ 0.1 × 1.1 + 0.3; 1 of 4 out of range ≤ 0.25. origin: 1 of 4 new ≤ 0.25.
    expect(loose.failed).toBe(false);
  });

  it('from a window folded row by row on the reference profile: out-of-range counts from its bins', () => {
    const profile = profileColumnData(reference);
    const window = DatasetProfile.windowOf(profile);
    // More than 1,000 distinct values, so the window keeps no values and the bins answer.
    for (let i = 0; i < 3000; i += 1) window.addRow({ delay: i / 10 - 20, origin: i % 2 ? 'SEA' : 'DEN' });
    const result = checkDataQuality(profile, window);
    const delay = result.columns.find((column) => column.column === 'delay');
    // Values -20.0 … 279.9 step 0.1: below -10 are -20.0 … -10.1 (100 values), above 79 are 79.1 … 279.9 (2009).
    expect(delay?.outOfRange).toMatchObject({ below: 100, above: 2009, exact: true, failed: true });
    const origin = result.columns.find((column) => column.column === 'origin');
    expect(origin?.newCategories).toMatchObject({ count: 1500, share: 0.5, values: ['DEN'], exact: true });
  });

  it('bad input: a column missing from one side, of another kind, empty, all null; an error only without columns', () => {
    const result = checkColumnDataQuality(reference, {
      delay: categoricalColumnOf(['a', 'b']),
      extra: numericColumnOf([1, 2]),
    });
    expect(result.columns.map(({ column, problem, failed }) => [column, problem, failed])).toEqual([
      ['delay', 'numeric in the reference but categorical in the current data', true],
      ['origin', 'missing from the current data', true],
      ['extra', 'not in the reference: nothing to compare with', false],
    ]);
    const nulls = checkColumnDataQuality(reference, { delay: numericColumnOf([null, null]), origin: categoricalColumnOf([]) });
    expect(nulls.columns[0]).toMatchObject({ missing: { current: 1, failed: true }, outOfRange: { share: 0 }, failed: true });
    expect(nulls.columns[1]).toMatchObject({ problem: 'the current data is empty', failed: false });
    const allNullReference = checkColumnDataQuality({ x: numericColumnOf([null]) }, { x: numericColumnOf([1]) });
    expect(allNullReference.columns[0]?.problem).toMatch(/only nulls in the reference/);
    expect(() => checkDataQuality(new DatasetProfile(), new DatasetProfile())).toThrow(MlpError);
  });
});
