import { createPluginRegistry, MlpError } from '@mlp/core';
import { describe, expect, it } from 'vitest';
import { categoricalColumnOf, columnOf, numericColumnOf } from './column-data.js';
import { detectDrift } from './detect-drift.js';
import type { DriftTest } from './drift-test.js';

const numbers = (n: number, f: (i: number) => number) => numericColumnOf(Array.from({ length: n }, (_, i) => f(i)));
const words = (n: number, f: (i: number) => string) => categoricalColumnOf(Array.from({ length: n }, (_, i) => f(i)));

describe("Evidently's default test per column", () => {
  it('picks KS, chi-squared or Z for a reference of at most 1,000 values', () => {
    const reference = {
      x: numbers(1000, (i) => i % 50),
      few: numbers(1000, (i) => i % 4),
      flag: numbers(1000, (i) => i % 2),
      c: words(1000, (i) => `k${i % 3}`),
      b: words(1000, (i) => (i % 2 ? 'y' : 'n')),
    };
    const current = {
      x: numbers(300, (i) => i % 50),
      few: numbers(300, (i) => i % 4),
      flag: numbers(300, (i) => i % 2),
      c: words(300, (i) => `k${i % 3}`),
      b: words(300, (i) => (i % 2 ? 'y' : 'n')),
    };
    const tests = Object.fromEntries(detectDrift(reference, current).columns.map((column) => [column.column, column.test]));
    expect(tests).toEqual({ x: 'ks', few: 'chisquare', flag: 'z', c: 'chisquare', b: 'z' });
  });

  it('picks normed Wasserstein or Jensen-Shannon above 1,000 reference values, with threshold 0.1', () => {
    const reference = { x: numbers(1001, (i) => i % 50), few: numbers(1001, (i) => i % 4), c: words(1001, (i) => `k${i % 3}`) };
    const current = { x: numbers(10, (i) => i), few: numbers(10, (i) => i % 4), c: words(10, (i) => `k${i % 3}`) };
    const result = detectDrift(reference, current);
    expect(result.columns.map(({ column, test, threshold }) => [column, test, threshold])).toEqual([
      ['x', 'wasserstein', 0.1],
      ['few', 'jensenshannon', 0.1],
      ['c', 'jensenshannon', 0.1],
    ]);
  });
});

describe('the dataset verdict', () => {
  const reference = { a: numbers(200, (i) => i), b: numbers(200, (i) => i), c: numbers(200, (i) => i), d: numbers(200, (i) => i) };
  const shifted = (by: number) => numbers(200, (i) => i + by);

  it('drifts when at least half of the tested columns drift', () => {
    const half = detectDrift(reference, { a: shifted(100), b: shifted(100), c: shifted(0), d: shifted(0) });
    expect(half).toMatchObject({ datasetDrift: true, driftShare: 0.5, testedColumns: 4, driftedColumns: 2, driftShareThreshold: 0.5 });
    const quarter = detectDrift(reference, { a: shifted(100), b: shifted(0), c: shifted(0), d: shifted(0) });
    expect(quarter).toMatchObject({ datasetDrift: false, driftShare: 0.25 });
    expect(
      detectDrift(reference, { a: shifted(100), b: shifted(0), c: shifted(0), d: shifted(0) }, { driftShare: 0.25 }).datasetDrift,
    ).toBe(true);
  });

  it('takes a test and threshold per column, or for every column', () => {
    const current = { a: shifted(10), b: shifted(10), c: shifted(10), d: shifted(10) };
    const result = detectDrift(reference, current, {
      test: 'psi',
      perColumn: { a: { test: 'kl_div', threshold: 0.5 }, b: { threshold: 1 } },
    });
    expect(result.columns.map(({ test, threshold }) => [test, threshold])).toEqual([
      ['kl_div', 0.5],
      ['psi', 1],
      ['psi', 0.1],
      ['psi', 0.1],
    ]);
    expect(() => detectDrift(reference, current, { test: 'anderson' })).toThrow(/No drift test named "anderson": use one of ks, chisquare/);
  });

  it('runs a plugin test registered in the driftTest slot', () => {
    const meanShift: DriftTest = {
      name: 'mean_shift',
      displayName: 'difference of means',
      kinds: ['numeric'],
      defaultThreshold: 5,
      scoreKind: 'distance',
      test(ref, cur, threshold) {
        const mean = (column: typeof ref) =>
          column.kind === 'numeric' ? column.values.reduce((sum, v, i) => sum + v * (column.counts[i] as number), 0) / column.total : 0;
        const score = Math.abs(mean(ref) - mean(cur));
        return { score, drifted: score >= threshold };
      },
    };
    const plugins = createPluginRegistry().register('driftTest', meanShift);
    const result = detectDrift({ a: reference.a }, { a: shifted(7) }, { test: 'mean_shift', plugins });
    expect(result.columns[0]).toMatchObject({ test: 'mean_shift', score: 7, threshold: 5, drifted: true });
  });
});

describe('prediction and target drift', () => {
  it('names the drift of the output column and of the labels (prediction and target by default, or as chosen)', () => {
    const reference = { x: numbers(50, (i) => i), prediction: numbers(50, (i) => i % 2), target: numbers(50, (i) => i % 2) };
    const current = { x: numbers(50, (i) => i), prediction: numbers(50, () => 1), target: numbers(50, (i) => i % 2) };
    const result = detectDrift(reference, current);
    expect(result.prediction).toMatchObject({ column: 'prediction', test: 'z', drifted: true });
    expect(result.target).toMatchObject({ column: 'target', test: 'z', drifted: false });
    const renamed = detectDrift(
      { score: reference.prediction, y: reference.target },
      { score: current.prediction, y: current.target },
      {
        predictionColumn: 'score',
        targetColumn: 'y',
      },
    );
    expect([renamed.prediction?.column, renamed.target?.column]).toEqual(['score', 'y']);
    const without = detectDrift({ x: reference.x }, { x: current.x });
    expect('prediction' in without || 'target' in without).toBe(false);
  });
});

describe('bad input', () => {
  it('says per column what could not be tested, and tests the rest', () => {
    const reference = {
      ok: numbers(50, (i) => i),
      gone: numbers(50, (i) => i),
      typed: numbers(50, (i) => i),
      nulls: columnOf([null, null]),
      extra: undefined,
    };
    const current = {
      ok: numbers(50, (i) => i),
      typed: words(50, (i) => `v${i}`),
      nulls: numbers(5, (i) => i),
      added: numbers(5, (i) => i),
    };
    const result = detectDrift(reference as never, current);
    expect(Object.fromEntries(result.columns.map(({ column, problem }) => [column, problem ?? 'tested']))).toEqual({
      ok: 'tested',
      gone: 'missing from the current data',
      typed: 'numeric in the reference but categorical in the current data',
      nulls: 'only nulls in the reference',
      extra: 'missing from the reference',
      added: 'missing from the reference',
    });
    expect(result).toMatchObject({ testedColumns: 1, driftShare: 0 });
    expect(result.columns.find((column) => column.column === 'nulls')).toMatchObject({
      score: null,
      test: null,
      drifted: false,
      reference: { count: 0, nulls: 2 },
    });
  });

  it('refuses a test for a column kind it does not take, per column', () => {
    const result = detectDrift(
      { c: words(20, (i) => `k${i % 4}`), x: numbers(20, (i) => i) },
      { c: words(20, (i) => `k${i % 4}`), x: numbers(20, (i) => i) },
      { test: 'wasserstein' },
    );
    expect(result.columns[0]?.problem).toBe('wasserstein does not test categorical columns (it tests numeric ones)');
    expect(result.columns[1]?.test).toBe('wasserstein');
  });

  it('says per column when a side has fewer values than the test needs (a plugin declaring minValues)', () => {
    const plugins = createPluginRegistry();
    plugins.register('driftTest', {
      name: 'needs-thirty',
      displayName: 'needs 30',
      kinds: ['numeric'],
      defaultThreshold: 0.5,
      scoreKind: 'distance',
      minValues: 30,
      test: () => ({ score: 1, drifted: true }),
    });
    const result = detectDrift(
      { small: numbers(10, (i) => i), big: numbers(40, (i) => i) },
      { small: numbers(40, (i) => i), big: numbers(35, (i) => i) },
      { test: 'needs-thirty', plugins },
    );
    expect(result.columns.map(({ column, problem }) => [column, problem ?? null])).toEqual([
      ['small', 'the reference has 10 values; needs-thirty needs at least 30'],
      ['big', null],
    ]);
    expect(result).toMatchObject({ testedColumns: 1, driftedColumns: 1 });
  });

  it('throws an MlpError only when no column can be tested', () => {
    let error: unknown;
    try {
      detectDrift({ a: numbers(3, (i) => i) }, { a: columnOf([]) });
    } catch (caught) {
      error = caught;
    }
    expect(MlpError.isInstance(error) && error.code).toBe('INVALID_ARGUMENT');
    expect((error as Error).message).toMatch(/No column could be tested for drift \(a: the current data is empty\)/);
  });
});
