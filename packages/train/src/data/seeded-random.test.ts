import { describe, expect, it } from 'vitest';
import { createRandom, shuffleInPlace } from './seeded-random.js';

describe('createRandom', () => {
  it('repeats per seed and differs between seeds', () => {
    const draw = (seed: number) => Array.from({ length: 20 }, createRandom(seed));
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
    expect(draw(2 ** 32 + 42)).not.toEqual(draw(42));
  });

  it('is uniform on [0, 1): every value in range, tenths evenly filled', () => {
    const random = createRandom(1);
    const bins = new Array<number>(10).fill(0);
    const n = 100_000;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const value = random();
      if (!(value >= 0 && value < 1)) outside++;
      else bins[Math.floor(value * 10)] = (bins[Math.floor(value * 10)] as number) + 1;
    }
    expect(outside).toBe(0);
    // Chi-squared with 9 degrees of freedom: 27.9 is the 0.1% critical value.
    const chi2 = bins.reduce((sum, count) => sum + (count - n / 10) ** 2 / (n / 10), 0);
    expect(chi2).toBeLessThan(27.9);
  });

  it('refuses a seed that is not finite', () => {
    expect(() => createRandom(Number.NaN)).toThrow(RangeError);
  });
});

describe('shuffleInPlace', () => {
  it('permutes arrays and typed arrays in place, repeatably', () => {
    const array = Array.from({ length: 50 }, (_, i) => i);
    const typed = Int32Array.from(array);
    expect(shuffleInPlace(array, createRandom(9))).toBe(array);
    shuffleInPlace(typed, createRandom(9));
    expect([...typed]).toEqual(array);
    expect([...array].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(array).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('makes every permutation of three about equally likely', () => {
    const random = createRandom(5);
    const counts = new Map<string, number>();
    const n = 60_000;
    for (let i = 0; i < n; i++) {
      const key = shuffleInPlace([0, 1, 2], random).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    for (const count of counts.values()) expect(Math.abs(count - n / 6)).toBeLessThan(400);
  });
});
