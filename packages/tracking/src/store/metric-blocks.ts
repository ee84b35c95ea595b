import type pg from 'pg';
import type { Metric } from '../model.js';
import { byPosition, byValue } from './metric-summary.js';
import { floorDiv } from './metric-summary-grid.js';

/**
 * The metric rollup (`tracking_metric_blocks`), kept by `logBatch` in the batch's transaction: per
 * series and block of steps its count, first and last point, smallest and largest finite point and
 * first non-finite one — what a summary bucket keeps (metric-summary.ts), so a bucket made of whole
 * blocks is their merge and reads no point. A block at level L holds steps `b × 4^L .. (b + 1) × 4^L − 1`.
 * Each series keeps `rollupLevels` levels from a base level chosen by its first batch (about
 * `pointsPerBaseBlock` points a block at the step spacing seen then), so a dense series and one with
 * epoch-millisecond steps both get blocks of tens of points, not one block a point.
 */
export const rollupLevels = 4;
export const maxBaseLevel = 23; // 4^(23 + 3) = 2^52: every safe step fits a block
const pointsPerBaseBlock = 64;
/** Level for a series whose first batch shows no spacing (one point, or one step): 64 steps a block. */
const defaultBaseLevel = 3;

export const blockSize = (level: number) => 4 ** level;

/** The base level for a new series from the points of its first batch (one key). */
export function chooseBaseLevel(points: readonly Metric[]): number {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const point of points) {
    if (point.step < lo) lo = point.step;
    if (point.step > hi) hi = point.step;
  }
  if (points.length < 2 || hi === lo) return defaultBaseLevel;
  const spacing = (hi - lo) / (points.length - 1);
  const level = Math.floor(Math.log(spacing * pointsPerBaseBlock) / Math.log(4));
  return Math.min(maxBaseLevel, Math.max(0, level));
}

/**
 * The level whose blocks a summary grid of `width` steps merges: the coarsest of the series' levels that
 * divides the width (fewest rows to read); undefined when even the base blocks do not fit in a bucket.
 */
export function levelForWidth(width: number, base: number): number | undefined {
  if (width % blockSize(base) !== 0) return undefined;
  let level = base;
  while (level + 1 < base + rollupLevels && width % blockSize(level + 1) === 0) level++;
  return level;
}

interface Block {
  level: number;
  block: number;
  n: number;
  first: Metric;
  last: Metric;
  low: Metric | undefined;
  high: Metric | undefined;
  odd: Metric | undefined;
}

function add(block: Block, point: Metric): void {
  block.n++;
  if (byPosition(point, block.first) < 0) block.first = point;
  if (byPosition(point, block.last) > 0) block.last = point;
  if (Number.isFinite(point.value)) {
    if (!block.low || byValue(point, block.low) < 0) block.low = point;
    if (!block.high || byValue(point, block.high) > 0) block.high = point;
  } else if (!block.odd || byPosition(point, block.odd) < 0) block.odd = point;
}

function merge(into: Block, block: Block): void {
  into.n += block.n;
  if (byPosition(block.first, into.first) < 0) into.first = block.first;
  if (byPosition(block.last, into.last) > 0) into.last = block.last;
  if (block.low && (!into.low || byValue(block.low, into.low) < 0)) into.low = block.low;
  if (block.high && (!into.high || byValue(block.high, into.high) > 0)) into.high = block.high;
  if (block.odd && (!into.odd || byPosition(block.odd, into.odd) < 0)) into.odd = block.odd;
}

/**
 * One series' points of a batch, folded into its blocks at each of its levels: the base level from the
 * points (one pass), each coarser level from the blocks of the level below (4^1 of them make one).
 */
export function foldBlocks(points: readonly Metric[], base: number): Block[] {
  let below = foldLevel(points, base);
  const blocks = [...below];
  for (let level = base + 1; level < base + rollupLevels; level++) {
    const byNumber = new Map<number, Block>();
    const made: Block[] = [];
    for (const block of below) {
      const number = floorDiv(block.block, 4);
      const into = byNumber.get(number);
      if (into) merge(into, block);
      else {
        const copy = { ...block, level, block: number };
        byNumber.set(number, copy);
        made.push(copy);
      }
    }
    blocks.push(...made);
    below = made;
  }
  return blocks;
}

function foldLevel(points: readonly Metric[], level: number): Block[] {
  const size = blockSize(level);
  const byNumber = new Map<number, Block>();
  const blocks: Block[] = [];
  let current: Block | undefined;
  for (const point of points) {
    const number = floorDiv(point.step, size);
    // Points mostly arrive in step order: the block of the previous point first.
    if (current?.block !== number) current = byNumber.get(number);
    if (current) {
      add(current, point);
      continue;
    }
    const finite = Number.isFinite(point.value);
    current = {
      level,
      block: number,
      n: 1,
      first: point,
      last: point,
      low: finite ? point : undefined,
      high: finite ? point : undefined,
      odd: finite ? undefined : point,
    };
    byNumber.set(number, current);
    blocks.push(current);
  }
  return blocks;
}

// -0 as text: JavaScript's String(-0) is "0", and a kept point must come back exactly as logged.
const float = (value: number) => (Object.is(value, -0) ? '-0' : value);

// Parallel arrays, one element a block; a triple is built back into a float8[] in SQL. Arrays compare
// element by element, so least/greatest merge a stored block with a new one exactly as the reference
// picks points (position = [step, timestamp, value], extreme = [value, step, timestamp], NaN above +Inf).
const arrayTypes = ['int4', 'int2', 'int8', 'int4', ...Array.from({ length: 15 }, () => 'float8')];

/** The rollup's upsert, its 19 array parameters numbered from `$from`, with an optional condition on its rows. */
export function blocksUpsertSql(from: number, where = 'true'): string {
  const params = arrayTypes.map((type, i) => `$${from + i}::${type}[]`).join(', ');
  return `insert into tracking_metric_blocks as b (series_id, level, block, n, first, last, low, high, odd)
  select r.series_id, r.level, r.block, r.n, array[r.fs, r.ft, r.fv], array[r.ls, r.lt, r.lv],
    case when r.lov is null then null else array[r.lov, r.los, r.lot] end,
    case when r.hiv is null then null else array[r.hiv, r.his, r.hit] end,
    case when r.os is null then null else array[r.os, r.ot, r.ov] end
  from unnest(${params})
    as r(series_id, level, block, n, fs, ft, fv, ls, lt, lv, lov, los, lot, hiv, his, hit, os, ot, ov)
  where ${where}
  on conflict (series_id, level, block) do update set n = b.n + excluded.n,
    first = least(b.first, excluded.first), last = greatest(b.last, excluded.last),
    low = least(b.low, excluded.low), high = greatest(b.high, excluded.high), odd = least(b.odd, excluded.odd)`;
}

export interface SeriesBlocks {
  seriesId: number;
  blocks: Block[];
}

/** The upsert's 19 parameters for these blocks, in (series, level, block) order: two batches of one series lock blocks alike. */
export function blocksUpsertParams(series: readonly SeriesBlocks[]): unknown[][] {
  const columns: unknown[][] = Array.from({ length: arrayTypes.length }, () => []);
  for (const { seriesId, blocks } of [...series].sort((a, b) => a.seriesId - b.seriesId)) {
    blocks.sort((a, b) => a.level - b.level || a.block - b.block);
    for (const { level, block, n, first, last, low, high, odd } of blocks) {
      const row = [
        seriesId,
        level,
        block,
        n,
        first.step,
        first.timestamp,
        float(first.value),
        last.step,
        last.timestamp,
        float(last.value),
        low ? float(low.value) : null,
        low?.step ?? null,
        low?.timestamp ?? null,
        high ? float(high.value) : null,
        high?.step ?? null,
        high?.timestamp ?? null,
        odd?.step ?? null,
        odd?.timestamp ?? null,
        odd ? float(odd.value) : null,
      ];
      for (let i = 0; i < row.length; i++) (columns[i] as unknown[]).push(row[i]);
    }
  }
  return columns;
}

const upsertText = blocksUpsertSql(1);

/** Merges blocks of a batch into the rollup, in the batch's transaction: one prepared statement. */
export async function upsertBlocks(client: pg.PoolClient, series: readonly SeriesBlocks[]): Promise<void> {
  const columns = blocksUpsertParams(series);
  if ((columns[0] as unknown[]).length === 0) return;
  await client.query({ name: 'mlp-tracking-upsert-blocks', text: upsertText, values: columns });
}
