import type { CountedValues } from './ks-two-sample.js';

/**
 * scipy's `wasserstein_distance(u, v)`: ∫ |U(x) − V(x)| dx over the pooled values, from sorted
 * distinct values with counts (exact, one merge pass).
 */
export function wassersteinDistance(u: CountedValues, v: CountedValues): number {
  let i = 0;
  let j = 0;
  let cu = 0;
  let cv = 0;
  let distance = 0;
  let previous = Number.NaN;
  while (i < u.values.length || j < v.values.length) {
    const vu = i < u.values.length ? (u.values[i] as number) : Number.POSITIVE_INFINITY;
    const vv = j < v.values.length ? (v.values[j] as number) : Number.POSITIVE_INFINITY;
    const x = Math.min(vu, vv);
    if (!Number.isNaN(previous)) distance += Math.abs(cu / u.total - cv / v.total) * (x - previous);
    if (vu === x) cu += u.counts[i++] as number;
    if (vv === x) cv += v.counts[j++] as number;
    previous = x;
  }
  return distance;
}

/** numpy's `std` (population, ddof 0) of counted values. */
export function populationStd(column: CountedValues): number {
  let sum = 0;
  for (let i = 0; i < column.values.length; i += 1) sum += (column.values[i] as number) * (column.counts[i] as number);
  const mean = sum / column.total;
  let squares = 0;
  for (let i = 0; i < column.values.length; i += 1) {
    const deviation = (column.values[i] as number) - mean;
    squares += deviation * deviation * (column.counts[i] as number);
  }
  return Math.sqrt(squares / column.total);
}
