import { alignedCounts, binnedShares } from '../drift/binned-data.js';
import type { DriftColumnData } from '../drift/column-data.js';

/** Both sides' shares over the same bins or categories, for showing a column's two distributions. */
export interface ColumnDistribution {
  labels: string[];
  reference: number[];
  current: number[];
}

const maxCategories = 20;

function compact(value: number): string {
  return Number.isInteger(value) ? String(value) : Number(value.toPrecision(4)).toString();
}

/**
 * A numeric column on the bins its drift tests use (Sturges over both sides, or by value for up to 20
 * distinct values); a categorical one by its 20 most frequent categories over both sides, the rest as
 * "other".
 */
export function columnDistribution(reference: DriftColumnData, current: DriftColumnData): ColumnDistribution {
  if (reference.kind === 'numeric' && current.kind === 'numeric') {
    const shares = binnedShares(reference, current, false);
    const edges = shares.edges;
    const labels = edges
      ? Array.from({ length: edges.length - 1 }, (_, i) => `${compact(edges[i] as number)}–${compact(edges[i + 1] as number)}`)
      : alignedCounts(reference, current).keys.map((key) => compact(key as number));
    return { labels, reference: Array.from(shares.reference), current: Array.from(shares.current) };
  }
  const aligned = alignedCounts(reference, current);
  const order = aligned.keys
    .map((key, i) => ({ key: String(key), ref: aligned.reference[i] as number, cur: aligned.current[i] as number }))
    .sort((a, b) => b.ref / reference.total + b.cur / current.total - (a.ref / reference.total + a.cur / current.total));
  const shown = order.slice(0, maxCategories);
  const rest = order.slice(maxCategories);
  const labels = shown.map((entry) => entry.key);
  const ref = shown.map((entry) => entry.ref / reference.total);
  const cur = shown.map((entry) => entry.cur / current.total);
  if (rest.length > 0) {
    labels.push(`other (${rest.length})`);
    ref.push(rest.reduce((sum, entry) => sum + entry.ref, 0) / reference.total);
    cur.push(rest.reduce((sum, entry) => sum + entry.cur, 0) / current.total);
  }
  return { labels, reference: ref, current: cur };
}
