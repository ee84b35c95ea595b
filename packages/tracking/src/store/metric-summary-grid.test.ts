import { describe, expect, it } from 'vitest';
import { floorDiv, roundWidthUp, summaryGrid } from './metric-summary-grid.js';

describe('summaryGrid', () => {
  it('rounds widths up to 1..15 or m × 4^j (m from 4 to 15), losing at most a fifth of the buckets', () => {
    expect([1, 2, 15, 16, 17, 60, 61, 63, 64, 65, 1250].map(roundWidthUp)).toEqual([1, 2, 15, 16, 20, 60, 64, 64, 64, 80, 1280]);
    for (let width = 1; width < 100_000; width += 97) {
      const round = roundWidthUp(width);
      expect(round).toBeGreaterThanOrEqual(width);
      expect(round).toBeLessThanOrEqual(Math.max(width * 1.25, 15));
      expect(roundWidthUp(round)).toBe(round);
    }
  });

  it('aligns buckets on absolute steps and never makes more than asked', () => {
    expect(summaryGrid(0, 999_999, 800)).toEqual({ width: 1280, first: 0, count: 782 });
    expect(summaryGrid(100, 6098, 40)).toEqual({ width: 160, first: 0, count: 39 });
    // Epoch-millisecond steps: a width of whole blocks, the first bucket where the range starts.
    const grid = summaryGrid(1_700_000_000_000, 1_700_999_999_000, 800);
    expect(grid.width % 4 ** 9).toBe(0);
    expect(grid.first).toBe(floorDiv(1_700_000_000_000, grid.width));
    expect(grid.count).toBeLessThanOrEqual(800);
    for (const [lo, hi, buckets] of [
      [-5, 5, 1],
      [-1_000_003, 7, 3],
      [0, 0, 1],
      [2 ** 52, 2 ** 53 - 1, 10_000],
    ] as const) {
      const { width, first, count } = summaryGrid(lo, hi, buckets);
      expect(count).toBeLessThanOrEqual(Math.max(buckets, 2));
      expect(first).toBe(floorDiv(lo, width));
      expect(floorDiv(hi, width)).toBe(first + count - 1);
    }
  });

  it('divides exactly, negative and near 2^53 too', () => {
    expect(floorDiv(-1, 4)).toBe(-1);
    expect(floorDiv(-4, 4)).toBe(-1);
    expect(floorDiv(7, 4)).toBe(1);
    expect(floorDiv(2 ** 53 - 1, 3)).toBe(3_002_399_751_580_330);
  });
});
