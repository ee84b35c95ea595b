/**
 * Divergences between two discrete distributions given as shares per bin, as scipy defines them:
 * `rel_entr`, `entropy` (KL), `spatial.distance.jensenshannon`, and the population stability index.
 */

/** scipy's `rel_entr(x, y)`: x·ln(x/y), 0 when x is 0, ∞ when only y is 0. */
function relativeEntropy(x: number, y: number): number {
  if (x > 0 && y > 0) return x * Math.log(x / y);
  if (x === 0 && y >= 0) return 0;
  return Number.POSITIVE_INFINITY;
}

function normalized(shares: Float64Array): Float64Array {
  let sum = 0;
  for (const share of shares) sum += share;
  return shares.map((share) => share / sum);
}

/** scipy's `entropy(p, q)`: KL(p ‖ q) in nats, after scaling both to sum to 1. */
export function klDivergence(p: Float64Array, q: Float64Array): number {
  const pn = normalized(p);
  const qn = normalized(q);
  let sum = 0;
  for (let i = 0; i < pn.length; i += 1) sum += relativeEntropy(pn[i] as number, qn[i] as number);
  return sum;
}

/** scipy's `spatial.distance.jensenshannon(p, q, base)`: the square root of the JS divergence. */
export function jensenShannonDistance(p: Float64Array, q: Float64Array, base = 2): number {
  const pn = normalized(p);
  const qn = normalized(q);
  let left = 0;
  let right = 0;
  for (let i = 0; i < pn.length; i += 1) {
    const m = ((pn[i] as number) + (qn[i] as number)) / 2;
    left += relativeEntropy(pn[i] as number, m);
    right += relativeEntropy(qn[i] as number, m);
  }
  const divergence = (left + right) / 2 / Math.log(base);
  return Math.sqrt(Math.max(0, divergence));
}

/** The population stability index Σ (r − c)·ln(r / c) over bins (shares must be non-zero). */
export function populationStabilityIndex(reference: Float64Array, current: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < reference.length; i += 1) {
    const r = reference[i] as number;
    const c = current[i] as number;
    sum += (r - c) * Math.log(r / c);
  }
  return sum;
}
