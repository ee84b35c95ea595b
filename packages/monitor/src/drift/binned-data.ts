import type { DriftColumnData, NumericColumnData } from './column-data.js';

/** Both sides' counts over the same keys (the union of their distinct values), in one order. */
export interface AlignedCounts {
  keys: (string | number)[];
  reference: Float64Array;
  current: Float64Array;
}

function alignNumeric(a: NumericColumnData, b: NumericColumnData): AlignedCounts {
  const keys: number[] = [];
  const ra: number[] = [];
  const rb: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.values.length || j < b.values.length) {
    const va = i < a.values.length ? (a.values[i] as number) : Number.POSITIVE_INFINITY;
    const vb = j < b.values.length ? (b.values[j] as number) : Number.POSITIVE_INFINITY;
    const x = Math.min(va, vb);
    keys.push(x);
    ra.push(va === x ? (a.counts[i++] as number) : 0);
    rb.push(vb === x ? (b.counts[j++] as number) : 0);
  }
  return { keys, reference: Float64Array.from(ra), current: Float64Array.from(rb) };
}

/** Counts of every value either side holds, zero where a side lacks it (Evidently's `dict.fromkeys(keys, 0)`). */
export function alignedCounts(reference: DriftColumnData, current: DriftColumnData): AlignedCounts {
  if (reference.kind === 'numeric' && current.kind === 'numeric') return alignNumeric(reference, current);
  const index = new Map<string, number>();
  const keys: string[] = [];
  const add = (key: string) => {
    if (!index.has(key)) {
      index.set(key, keys.length);
      keys.push(key);
    }
  };
  const entries = (column: DriftColumnData): [string, number][] =>
    column.kind === 'categorical'
      ? column.categories.map((key, i) => [key, column.counts[i] as number])
      : Array.from(column.values, (value, i) => [String(value), column.counts[i] as number]);
  const refEntries = entries(reference);
  const curEntries = entries(current);
  for (const [key] of refEntries) add(key);
  for (const [key] of curEntries) add(key);
  const ref = new Float64Array(keys.length);
  const cur = new Float64Array(keys.length);
  for (const [key, count] of refEntries) ref[index.get(key) as number] = (ref[index.get(key) as number] as number) + count;
  for (const [key, count] of curEntries) cur[index.get(key) as number] = (cur[index.get(key) as number] as number) + count;
  return { keys, reference: ref, current: cur };
}

/**
 * numpy's `histogram_bin_edges(pooled, bins='sturges')`: (ptp / (log₂ n + 1)) wide bins between the
 * pooled minimum and maximum, at least 1 wide for whole numbers, edges as `linspace` makes them.
 */
export function sturgesEdges(min: number, max: number, n: number, integer: boolean): Float64Array {
  let first = min;
  let last = max;
  if (first === last) {
    first -= 0.5;
    last += 0.5;
  }
  let width = (max - min) / (Math.log2(n) + 1);
  if (integer && width < 1) width = 1;
  const bins = width ? Math.ceil((last - first) / width) : 1;
  return linspace(first, last, bins + 1);
}

/** numpy's `linspace(start, stop, num)`: i·step + start, the last edge exactly `stop`. */
export function linspace(start: number, stop: number, num: number): Float64Array {
  const edges = new Float64Array(num);
  const step = (stop - start) / (num - 1);
  for (let i = 0; i < num; i += 1) edges[i] = i * step + start;
  edges[num - 1] = stop;
  return edges;
}

/** The bin of x among `edges` as numpy's histogram counts it: [eᵢ, eᵢ₊₁), the last bin closed; −1 outside. */
export function binOf(edges: Float64Array, x: number): number {
  const last = edges.length - 1;
  if (x < (edges[0] as number) || x > (edges[last] as number)) return -1;
  if (x === edges[last]) return last - 1;
  let lo = 0;
  let hi = last;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if ((edges[mid] as number) <= x) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** Counts of a numeric column's values per bin of `edges`. */
export function histogram(column: NumericColumnData, edges: Float64Array): Float64Array {
  const counts = new Float64Array(edges.length - 1);
  for (let i = 0; i < column.values.length; i += 1) {
    const bin = binOf(edges, column.values[i] as number);
    if (bin >= 0) counts[bin] = (counts[bin] as number) + (column.counts[i] as number);
  }
  return counts;
}

/**
 * Replaces zero shares as Evidently does before PSI and KL: by a millionth of the smallest non-zero
 * share when that is at most 0.0001, else by 0.0001.
 */
export function fillZeroes(shares: Float64Array): Float64Array {
  let smallest = Number.POSITIVE_INFINITY;
  for (const share of shares) if (share !== 0 && share < smallest) smallest = share;
  if (smallest === Number.POSITIVE_INFINITY) return shares;
  const fill = smallest <= 0.0001 ? smallest / 1e6 : 0.0001;
  return shares.map((share) => (share === 0 ? fill : share));
}

export interface BinnedShares {
  reference: Float64Array;
  current: Float64Array;
  /** The histogram edges, for a numeric column binned on them; undefined when binned by value. */
  edges?: Float64Array;
}

/**
 * Evidently's `get_binned_data`: a numeric column with more than 20 distinct reference values is
 * binned on Sturges edges over both sides pooled; any other column by value. Shares are of each side's
 * non-null count; with `fill`, zero shares are replaced (see `fillZeroes`).
 */
export function binnedShares(reference: DriftColumnData, current: DriftColumnData, fill: boolean): BinnedShares {
  let ref: Float64Array;
  let cur: Float64Array;
  let edges: Float64Array | undefined;
  if (reference.kind === 'numeric' && current.kind === 'numeric' && reference.values.length > 20) {
    const min = Math.min(reference.values[0] as number, (current.values[0] as number | undefined) ?? Number.POSITIVE_INFINITY);
    const max = Math.max(
      reference.values[reference.values.length - 1] as number,
      (current.values[current.values.length - 1] as number | undefined) ?? Number.NEGATIVE_INFINITY,
    );
    edges = sturgesEdges(min, max, reference.total + current.total, reference.integer && current.integer);
    ref = histogram(reference, edges);
    cur = histogram(current, edges);
  } else {
    const aligned = alignedCounts(reference, current);
    ref = aligned.reference;
    cur = aligned.current;
  }
  ref = ref.map((count) => count / reference.total);
  cur = cur.map((count) => count / current.total);
  if (fill) {
    ref = fillZeroes(ref);
    cur = fillZeroes(cur);
  }
  return edges ? { reference: ref, current: cur, edges } : { reference: ref, current: cur };
}
