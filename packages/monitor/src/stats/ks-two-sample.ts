import { kolmogorovTwoSidedSf } from './kolmogorov-distribution.js';

/**
 * The two-sample Kolmogorov–Smirnov test, two-sided, as scipy's `ks_2samp(method='auto')` computes it:
 * the exact distribution when both samples have at most 10,000 values (Hodges 1958; the square case
 * for equal sizes, counting lattice paths that stay inside the band otherwise), else the one-sample
 * distribution of D for round(n·m/(n+m)) values (scipy's `kstwo.sf`).
 * Samples come as sorted distinct values with their counts, so ties cost nothing.
 */

/** Sorted distinct values and how often each occurs. */
export interface CountedValues {
  values: Float64Array;
  counts: Float64Array;
  /** The sum of `counts`. */
  total: number;
}

const maxExactSize = 10_000;

/** sup |F₁ − F₂| over the pooled values. */
export function ksStatistic(a: CountedValues, b: CountedValues): number {
  let i = 0;
  let j = 0;
  let ca = 0;
  let cb = 0;
  let d = 0;
  while (i < a.values.length || j < b.values.length) {
    const va = i < a.values.length ? (a.values[i] as number) : Number.POSITIVE_INFINITY;
    const vb = j < b.values.length ? (b.values[j] as number) : Number.POSITIVE_INFINITY;
    const x = Math.min(va, vb);
    if (va === x) ca += a.counts[i++] as number;
    if (vb === x) cb += b.counts[j++] as number;
    const diff = Math.abs(ca / a.total - cb / b.total);
    if (diff > d) d = diff;
  }
  return d;
}

/** numpy's `round`: halves to the even neighbour. */
function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const rest = x - floor;
  if (rest !== 0.5) return Math.round(x);
  return floor % 2 === 0 ? floor : floor + 1;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** P(D ≥ h/n) for two samples of n values each: 2·Σ alternating binomial ratios, in Horner form. */
function outsideSquare(n: number, h: number): number {
  let p = 0;
  for (let k = Math.floor(n / h); k >= 0; k -= 1) {
    let term = 1;
    for (let j = 0; j < h; j += 1) term = ((n - k * h - j) * term) / (n + k * h + j + 1);
    p = term * (1 - p);
  }
  return 2 * p;
}

/**
 * The share of the lattice paths from (0, 0) to (m, n) that leave the band |x·n − y·m|/g < h,
 * one column at a time over a sliding window, each entry a probability (no overflow).
 */
function outsideBand(m0: number, n0: number, g: number, h: number): number {
  const m = Math.max(m0, n0);
  const n = Math.min(m0, n0);
  const mg = m / g;
  const ng = n / g;
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let length = maxj - minj;
  const a = new Float64Array(Math.min(2 * maxj + 2, n + 1)).fill(1);
  a.fill(0, minj, maxj);
  for (let i = 1; i <= m; i += 1) {
    const lastMinj = minj;
    const lastLength = length;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let value = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj += 1) {
      const j = jj + minj;
      value = ((a[jj + minj - lastMinj] as number) * i + value * j) / (i + j);
      a[jj] = value;
    }
    length = maxj - minj;
    if (lastLength > length) a.fill(1, maxj - minj, maxj - minj + (lastLength - length));
  }
  return a[maxj - minj - 1] as number;
}

export interface KsResult {
  statistic: number;
  pValue: number;
  method: 'exact' | 'asymp';
}

/** The two-sided two-sample KS test of `a` against `b`. */
export function ksTwoSample(a: CountedValues, b: CountedValues): KsResult {
  const n1 = a.total;
  const n2 = b.total;
  let d = ksStatistic(a, b);
  if (Math.max(n1, n2) <= maxExactSize) {
    const g = gcd(n1, n2);
    const lcm = (n1 / g) * n2;
    const h = Math.round(d * lcm);
    d = h / lcm;
    if (h === 0) return { statistic: d, pValue: 1, method: 'exact' };
    const p = n1 === n2 ? outsideSquare(n1, h) : outsideBand(n1, n2, g, h);
    if (Number.isFinite(p) && p >= 0 && p <= 1) return { statistic: d, pValue: p, method: 'exact' };
  }
  const en = (n1 * n2) / (n1 + n2);
  return { statistic: d, pValue: kolmogorovTwoSidedSf(roundHalfEven(en), d), method: 'asymp' };
}
