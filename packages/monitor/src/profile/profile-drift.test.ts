import { describe, expect, it } from 'vitest';
import { categoricalColumnOf, numericColumnOf } from '../drift/column-data.js';
import { detectDrift } from '../drift/detect-drift.js';
import { DatasetProfile, profileColumnData } from './dataset-profile.js';
import { detectProfileDrift } from './profile-drift.js';

function spread(n: number, seed: number): number[] {
  const out: number[] = [];
  let state = seed;
  for (let i = 0; i < n; i += 1) {
    state = (state * 48271) % 2147483647;
    out.push(state / 2147483647);
  }
  return out;
}

const cities = ['ams', 'ber', 'cph', 'dub', 'edi'];

function rows(n: number, seed: number, shift = 0) {
  const u = spread(n, seed);
  return u.map((x, i) => ({
    amount: x * 100 + shift,
    stars: Math.floor(x * 5) + 1,
    city: cities[(i * 7 + (shift ? 1 : 0)) % 5] as string,
    note: i % 10 === 0 ? null : 'ok',
  }));
}

function profileOf(reference: DatasetProfile | undefined, data: Record<string, unknown>[]): DatasetProfile {
  const profile = reference ? DatasetProfile.windowOf(reference) : new DatasetProfile();
  profile.addRows(data);
  return profile;
}

const columnsOf = (data: Record<string, unknown>[]) => ({
  amount: numericColumnOf(data.map((row) => row.amount as number)),
  stars: numericColumnOf(data.map((row) => row.stars as number)),
  city: categoricalColumnOf(data.map((row) => row.city)),
  note: categoricalColumnOf(data.map((row) => row.note)),
});

describe('drift from profiles', () => {
  const referenceRows = rows(20_000, 7);
  const reference = profileColumnData(columnsOf(referenceRows));

  it('folds a window row by row, and windows merge into the longer window', () => {
    const a = profileOf(reference, rows(3000, 11));
    const b = profileOf(reference, rows(2000, 13));
    const whole = profileOf(reference, [...rows(3000, 11), ...rows(2000, 13)]);
    a.merge(b);
    expect(a.rows).toBe(5000);
    expect(a.toJson().columns.city).toEqual(whole.toJson().columns.city);
    const histogramOf = (profile: DatasetProfile) => {
      const amount = profile.toJson().columns.amount;
      return amount?.kind === 'numeric' ? amount.histogram : undefined;
    };
    expect(histogramOf(a)).toEqual(histogramOf(whole));
    const histogram = histogramOf(a);
    expect((histogram?.counts.reduce((sum, n) => sum + n, 0) ?? 0) + (histogram?.below ?? 0) + (histogram?.above ?? 0)).toBe(5000);
    const restored = DatasetProfile.fromJson(JSON.parse(JSON.stringify(a.toJson())));
    expect(restored.toJson().columns.stars).toEqual(a.toJson().columns.stars);
  });

  it('tests exactly when the profiles kept every distinct value: the same verdict as the rows', () => {
    const current = rows(3000, 17, 20);
    const fromProfiles = detectProfileDrift(reference, profileOf(reference, current), { columns: ['stars', 'city', 'note'] });
    const fromRows = detectDrift(columnsOf(referenceRows), columnsOf(current), { columns: ['stars', 'city', 'note'] });
    expect(fromProfiles.columns.map((column) => [column.column, column.test, column.score?.toPrecision(10), column.drifted])).toEqual(
      fromRows.columns.map((column) => [column.column, column.test, column.score?.toPrecision(10), column.drifted]),
    );
  });

  it('tests continuous columns from the sketches, close to the exact scores', () => {
    const current = rows(5000, 19, 8);
    const window = profileOf(reference, current);
    const sketch = detectProfileDrift(reference, window, { columns: ['amount'] }).columns[0];
    const exact = detectDrift(columnsOf(referenceRows), columnsOf(current), { columns: ['amount'] }).columns[0];
    expect(sketch?.test).toBe('wasserstein');
    expect(exact?.test).toBe('wasserstein');
    expect(Math.abs((sketch?.score as number) - (exact?.score as number)) / (exact?.score as number)).toBeLessThan(0.02);
    expect(sketch?.drifted).toBe(true);
    const unshifted = detectProfileDrift(reference, profileOf(reference, rows(5000, 23)), {
      columns: ['amount'],
      perColumn: { amount: { test: 'psi' } },
    }).columns[0];
    expect(unshifted).toMatchObject({ test: 'psi', drifted: false });
    const shiftedPsi = detectProfileDrift(reference, window, { columns: ['amount'], test: 'psi' }).columns[0];
    expect(shiftedPsi?.score).toBeGreaterThan(unshifted?.score as number);
  });

  it('says per column what a sketch cannot answer', () => {
    const window = profileOf(reference, rows(5000, 29));
    const result = detectProfileDrift(reference, window, { columns: ['amount', 'city'], perColumn: { amount: { test: 'ks' } } });
    expect(result.columns[0]?.problem).toMatch(/ks needs every value, and the profiles keep sketches here/);
    expect(result.columns[1]?.test).toBe('jensenshannon');
    const empty = DatasetProfile.windowOf(reference);
    expect(() => detectProfileDrift(reference, empty)).toThrow(/No column could be tested for drift \(amount: the current data is empty/);
  });
});
