import { describe, expect, it } from 'vitest';
import type { Metric } from '../model.js';
import { chooseBaseLevel, foldBlocks, levelForWidth } from './metric-blocks.js';

const at = (step: number, value: number, timestamp = step): Metric => ({ key: 'k', step, timestamp, value });

describe('metric blocks', () => {
  it('sizes a new series’ blocks to about 64 points at the spacing of its first batch', () => {
    expect(chooseBaseLevel(Array.from({ length: 1000 }, (_, i) => at(i, 0)))).toBe(3); // 64 steps
    expect(chooseBaseLevel(Array.from({ length: 1000 }, (_, i) => at(1_700_000_000_000 + i * 1000, 0)))).toBe(7); // 16,384 ms
    expect(chooseBaseLevel([at(5, 1)])).toBe(3);
    expect(chooseBaseLevel([at(5, 1), at(5, 2)])).toBe(3);
  });

  it('merges a grid of whole blocks at the coarsest level that divides it', () => {
    expect(levelForWidth(1280, 3)).toBe(4); // 5 blocks of 256
    expect(levelForWidth(4096, 3)).toBe(6);
    expect(levelForWidth(4 ** 9, 3)).toBe(6); // never above the series' top level
    expect(levelForWidth(128, 3)).toBe(3); // 2 blocks of 64 a bucket
    expect(levelForWidth(80, 3)).toBeUndefined(); // a bucket would cut a block: read the points
    expect(levelForWidth(20, 2)).toBeUndefined(); // not a multiple of 16
  });

  it('folds out-of-order points into one block per level, keeping positions and extremes as the reference does', () => {
    const points = [at(5, 1), at(1, 3), at(3, Number.NaN), at(2, -1), at(1, 3, 0), at(4, Number.POSITIVE_INFINITY)];
    const [block] = foldBlocks(points, 1); // steps 0..3 and 4..7 at level 1
    expect(foldBlocks(points, 1).filter((b) => b.level === 1)).toHaveLength(2);
    expect(block).toMatchObject({
      level: 1,
      block: 1,
      n: 2,
      first: at(4, Number.POSITIVE_INFINITY),
      last: at(5, 1),
      odd: at(4, Number.POSITIVE_INFINITY),
    });
    const whole = foldBlocks(points, 1).find((b) => b.level === 2);
    expect(whole).toMatchObject({ n: 6, first: at(1, 3, 0), last: at(5, 1), low: at(2, -1), high: at(1, 3), odd: at(3, Number.NaN) });
  });
});
