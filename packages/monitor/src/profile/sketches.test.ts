import { describe, expect, it } from 'vitest';
import { NumericProfile } from './column-profile.js';
import { FrequentValues } from './frequent-values.js';
import { TDigest } from './t-digest.js';

// A deterministic spread of values (a multiplicative congruential sequence scaled to [0, 1)).
function values(n: number, seed = 1): Float64Array {
  const out = new Float64Array(n);
  let state = seed;
  for (let i = 0; i < n; i += 1) {
    state = (state * 48271) % 2147483647;
    out[i] = state / 2147483647;
  }
  return out;
}

function exactQuantile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

describe('t-digest', () => {
  const data = values(100_000).map((x) => x ** 2 * 100); // skewed
  const sorted = data.slice().sort();

  it('answers quantiles within 0.5% of rank, 0.05% at the tails', () => {
    const digest = new TDigest(200);
    for (const x of data) digest.add(x);
    for (const q of [0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999]) {
      const estimate = digest.quantile(q);
      const rank = sorted.findIndex((x) => x >= estimate) / sorted.length;
      expect(Math.abs(rank - q), `q=${q}`).toBeLessThan(q < 0.01 || q > 0.99 ? 0.0005 : 0.005);
    }
    expect(digest.quantile(0)).toBe(sorted[0]);
    expect(digest.quantile(1)).toBe(sorted[sorted.length - 1]);
    expect(digest.toJson().means.length).toBeLessThan(200);
  });

  it('merges into the digest of both samples, and survives JSON', () => {
    const a = new TDigest();
    const b = new TDigest();
    for (let i = 0; i < data.length; i += 1) (i % 3 === 0 ? a : b).add(data[i] as number);
    a.merge(b);
    expect(a.count).toBe(100_000);
    const restored = TDigest.fromJson(JSON.parse(JSON.stringify(a.toJson())));
    for (const q of [0.05, 0.5, 0.95]) {
      expect(Math.abs(a.quantile(q) - exactQuantile(sorted, q)) / 100).toBeLessThan(0.005);
      expect(restored.quantile(q)).toBeCloseTo(a.quantile(q), 6);
    }
  });
});

describe('frequent values', () => {
  it('is exact within capacity and keeps the most frequent beyond, the rest counted as other', () => {
    const sketch = new FrequentValues(3);
    for (const [value, n] of [
      ['a', 50],
      ['b', 30],
      ['c', 20],
      ['d', 5],
      ['e', 1],
    ] as const)
      sketch.add(value, n);
    const json = sketch.toJson();
    expect(json.values).toEqual([
      ['a', 50],
      ['b', 30],
      ['c', 20],
    ]);
    expect(json.other).toBe(6);
    const other = new FrequentValues(3);
    other.add('d', 100);
    sketch.merge(other);
    expect(sketch.toJson()).toEqual({
      capacity: 3,
      values: [
        ['d', 100],
        ['a', 50],
        ['b', 30],
      ],
      other: 26,
    });
  });
});

describe('numeric column profiles', () => {
  it('merge into the profile of both halves: counts, moments, bins, distinct values', () => {
    const edges = [0, 0.25, 0.5, 0.75, 1];
    const whole = new NumericProfile({ edges });
    const first = new NumericProfile({ edges });
    const second = new NumericProfile({ edges });
    const data = Array.from(values(5000), (x) => Math.round(x * 400) / 400); // 401 distinct values
    data.forEach((x, i) => {
      whole.add(x);
      (i < 1700 ? first : second).add(x);
    });
    first.add(null);
    second.add(Number.NaN);
    second.add(2); // above the last edge
    whole.add(null);
    whole.add(Number.NaN);
    whole.add(2);
    first.merge(second);
    const merged = first.toJson();
    const expected = whole.toJson();
    expect(merged.count).toBe(expected.count);
    expect(merged.nulls).toBe(2);
    expect(merged.mean).toBeCloseTo(expected.mean, 12);
    expect(merged.m2).toBeCloseTo(expected.m2, 8);
    expect(merged.histogram).toEqual(expected.histogram);
    expect(merged.histogram?.above).toBe(1);
    expect(merged.distinct).toEqual(expected.distinct);
    const mean = data.reduce((sum, x) => sum + x, 2) / 5001;
    expect(merged.mean).toBeCloseTo(mean, 12);
  });

  it('stops keeping distinct values beyond 1,000 of them', () => {
    const profile = new NumericProfile();
    for (const x of values(1001)) profile.add(x);
    expect(profile.distinctValues).toBeUndefined();
    expect(profile.toJson().distinct).toBeNull();
  });
});
