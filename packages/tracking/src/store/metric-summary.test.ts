import { describe, expect, it } from 'vitest';
import type { Metric } from '../model.js';
import { summarizePoints } from './metric-summary.js';
import { summaryGrid } from './metric-summary-grid.js';

const at = (step: number, value: number, timestamp = step): Metric => ({ key: 'k', step, timestamp, value });

describe('summarizePoints', () => {
  it('returns up to 4 points a bucket whole, in step then time order', () => {
    const points = [at(3, 1), at(1, 2), at(1, 0, 0), at(2, 5)];
    expect(summarizePoints(points, 1)).toEqual({ totalPoints: 4, points: [at(1, 0, 0), at(1, 2), at(2, 5), at(3, 1)] });
  });

  it('keeps first, last, min and max of each bucket of equal step width', () => {
    // Steps 0..9 in 2 buckets of width 5: [0..4] and [5..9].
    const values = [3, 9, -2, 4, 5, 1, 1, 8, 0, 2];
    const points = values.map((value, step) => at(step, value));
    expect(summaryGrid(0, 9, 2)).toEqual({ width: 5, first: 0, count: 2 });
    const { totalPoints, points: kept } = summarizePoints(points, 2);
    expect(totalPoints).toBe(10);
    expect(kept.map((p) => [p.step, p.value])).toEqual([
      [0, 3],
      [1, 9],
      [2, -2],
      [4, 5],
      [5, 1],
      [7, 8],
      [8, 0],
      [9, 2],
    ]);
  });

  it('keeps a non-finite point apart, never as a bucket’s min or max', () => {
    const points = [at(0, 1), at(1, Number.NaN), at(2, Number.NEGATIVE_INFINITY), at(3, 2), at(4, 0), at(5, 1)];
    const kept = summarizePoints(points, 1).points.map((p) => p.value);
    expect(kept).toEqual([1, Number.NaN, 2, 0, 1]);
  });
});
