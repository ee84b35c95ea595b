/** A metric history as parallel arrays: x (step or time) ascending, y the values. */
export interface Series {
  x: number[];
  y: number[];
}

/**
 * Reduces a series to about `buckets` × 4 points for a chart `buckets` pixels wide: per bucket of
 * consecutive points it keeps the first, the last, the smallest and the largest (in x order), so
 * spikes and dips survive exactly. Non-finite values (NaN, ±Infinity) are kept as they come, once
 * per bucket each, so gaps show. Series already small enough are returned unchanged.
 */
export function downsampleMinMax(series: Series, buckets: number): Series {
  const n = series.x.length;
  if (buckets < 1 || n <= buckets * 4) return series;
  const x: number[] = [];
  const y: number[] = [];
  const size = n / buckets;
  for (let b = 0; b < buckets; b++) {
    const start = Math.floor(b * size);
    const end = Math.min(n, Math.floor((b + 1) * size));
    if (start >= end) continue;
    let min = -1;
    let max = -1;
    let nonFinite = -1;
    for (let i = start; i < end; i++) {
      const value = series.y[i] as number;
      if (!Number.isFinite(value)) {
        if (nonFinite === -1) nonFinite = i;
        continue;
      }
      if (min === -1 || value < (series.y[min] as number)) min = i;
      if (max === -1 || value > (series.y[max] as number)) max = i;
    }
    const picked = [start, end - 1, min, max, nonFinite].filter((i) => i >= 0).sort((a, b) => a - b);
    let last = -1;
    for (const i of picked) {
      if (i === last) continue;
      last = i;
      x.push(series.x[i] as number);
      y.push(series.y[i] as number);
    }
  }
  return { x, y };
}
