/**
 * Where a summary's buckets fall. Buckets are cut on a grid fixed in absolute steps — bucket `i` holds
 * steps `i × width` to `(i + 1) × width − 1` — and `width` is a "round" number: 1 to 15, or `m × 4^j`
 * with `m` from 4 to 15. So every bucket is a whole number of the SQL store's rollup blocks (which are
 * `4^level` steps, aligned the same way), and a bucket is a merge of blocks, never a part of one.
 * Rounding the width up costs at most a fifth of the buckets asked for.
 */
export interface SummaryGrid {
  /** Steps per bucket. */
  width: number;
  /** The bucket index of the lowest step: `floorDiv(lo, width)`. */
  first: number;
  /** How many buckets the step range covers (at most `max(buckets, 2)`). */
  count: number;
}

/** `Math.floor(a / b)` exact for every safe integer (the division alone can round up near 2^53). */
export function floorDiv(a: number, b: number): number {
  let q = Math.floor(a / b);
  if (q * b > a) q -= 1;
  else if ((q + 1) * b <= a) q += 1;
  return q;
}

/** The smallest round width (see SummaryGrid) that is at least `width`. */
export function roundWidthUp(width: number): number {
  if (width <= 15) return Math.max(1, Math.ceil(width));
  let unit = 4;
  while (unit * 16 <= width) unit *= 4;
  const m = Math.ceil(width / unit);
  return m >= 16 ? 16 * unit : m * unit;
}

/**
 * The grid for steps `lo..hi` in about `buckets` buckets: the smallest round width whose buckets over
 * the range number at most `buckets` (two when the range crosses zero and one bucket is asked for: step
 * 0 starts a bucket at every width).
 */
export function summaryGrid(lo: number, hi: number, buckets: number): SummaryGrid {
  const most = Math.max(buckets, 2);
  let width = roundWidthUp(Math.ceil((hi - lo + 1) / buckets));
  for (;;) {
    const first = floorDiv(lo, width);
    const count = floorDiv(hi, width) - first + 1;
    if (count <= most) return { width, first, count };
    width = roundWidthUp(width + 1);
  }
}
