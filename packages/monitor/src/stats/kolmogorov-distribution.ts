import { logGamma } from './gamma.js';

/**
 * The survival function of the two-sided one-sample Kolmogorov–Smirnov statistic Dₙ, P(Dₙ > x), as
 * scipy's `kstwo.sf` computes it (Simard & L'Ecuyer 2011): Ruben–Gambino's closed forms at the ends,
 * twice the one-sided tail (Birnbaum & Tingey's exact sum) where it is small, the Durbin matrix
 * (Marsaglia, Tsang & Wang 2003) for small n or x, and Pelz & Good's expansion otherwise.
 */
export function kolmogorovTwoSidedSf(n: number, x: number): number {
  if (x >= 1) return 0;
  if (x <= 0) return 1;
  const t = n * x;
  if (t <= 1) {
    if (t <= 0.5) return 1;
    // P(Dₙ ≤ x) = n!/nⁿ (2t − 1)ⁿ
    return clip(1 - Math.exp(logGamma(n + 1) - n * Math.log(n) + n * Math.log(2 * t - 1)));
  }
  if (t >= n - 1) return clip(2 * (1 - x) ** n);
  if (x >= 0.5) return clip(2 * smirnovSf(n, x));
  const nx2 = t * x;
  if (n <= 140) return nx2 <= 4 ? clip(1 - durbinCdf(n, x)) : clip(2 * smirnovSf(n, x));
  if (nx2 >= 370) return 0;
  if (nx2 >= 2.2) return clip(2 * smirnovSf(n, x));
  if (nx2 >= 18) return 0;
  if (n <= 100_000 && n * x ** 1.5 <= 1.4) return clip(1 - durbinCdf(n, x));
  return clip(1 - pelzGoodCdf(n, x));
}

function clip(p: number): number {
  return Math.min(1, Math.max(0, p));
}

/** P(D⁺ₙ ≥ x), Birnbaum & Tingey: x Σⱼ C(n, j) (x + j/n)^(j−1) (1 − x − j/n)^(n−j), summed in logs. */
export function smirnovSf(n: number, x: number): number {
  if (x <= 0) return 1;
  if (x >= 1) return 0;
  const last = Math.floor(n * (1 - x));
  const logFactN = logGamma(n + 1);
  let sum = 0;
  for (let j = 0; j <= last; j += 1) {
    const a = x + j / n;
    const b = 1 - x - j / n;
    if (b <= 0) continue;
    const log = logFactN - logGamma(j + 1) - logGamma(n - j + 1) + (j - 1) * Math.log(a) + (n - j) * Math.log(b);
    sum += Math.exp(log);
  }
  return clip(x * sum);
}

/** P(Dₙ < x) by the Durbin matrix: n!/nⁿ · (Hⁿ)ₖₖ, powers kept in range by a separate exponent. */
function durbinCdf(n: number, d: number): number {
  const k = Math.floor(n * d) + 1;
  const m = 2 * k - 1;
  const h = k - n * d;
  const H = new Float64Array(m * m);
  for (let i = 0; i < m; i += 1) for (let j = 0; j < m; j += 1) H[i * m + j] = i - j + 1 < 0 ? 0 : 1;
  for (let i = 0; i < m; i += 1) {
    H[i * m] = (H[i * m] as number) - h ** (i + 1);
    H[(m - 1) * m + i] = (H[(m - 1) * m + i] as number) - h ** (m - i);
  }
  H[(m - 1) * m] = (H[(m - 1) * m] as number) + (2 * h - 1 > 0 ? (2 * h - 1) ** m : 0);
  for (let i = 0; i < m; i += 1) {
    for (let j = 0; j < m; j += 1) {
      if (i - j + 1 > 0) for (let g = 1; g <= i - j + 1; g += 1) H[i * m + j] = (H[i * m + j] as number) / g;
    }
  }
  const { matrix, exponent } = power(H, m, n);
  let s = matrix[(k - 1) * m + k - 1] as number;
  let e = exponent;
  for (let i = 1; i <= n; i += 1) {
    s = (s * i) / n;
    if (s < 1e-140) {
      s *= 1e140;
      e -= 140;
    }
  }
  return s * 10 ** e;
}

function multiply(a: Float64Array, b: Float64Array, m: number): Float64Array {
  const c = new Float64Array(m * m);
  for (let i = 0; i < m; i += 1) {
    for (let k = 0; k < m; k += 1) {
      const aik = a[i * m + k] as number;
      if (aik === 0) continue;
      for (let j = 0; j < m; j += 1) c[i * m + j] = (c[i * m + j] as number) + aik * (b[k * m + j] as number);
    }
  }
  return c;
}

/** Aⁿ as a matrix times 10^exponent, rescaled whenever the middle entry grows past 1e140. */
function power(a: Float64Array, m: number, n: number): { matrix: Float64Array; exponent: number } {
  if (n === 1) return { matrix: a.slice(), exponent: 0 };
  const half = power(a, m, Math.floor(n / 2));
  let matrix = multiply(half.matrix, half.matrix, m);
  let exponent = 2 * half.exponent;
  if (n % 2 === 1) matrix = multiply(a, matrix, m);
  const middle = Math.floor(m / 2);
  if ((matrix[middle * m + middle] as number) > 1e140) {
    for (let i = 0; i < matrix.length; i += 1) matrix[i] = (matrix[i] as number) * 1e-140;
    exponent += 140;
  }
  return { matrix, exponent };
}

/** Pelz & Good's approximation of P(Dₙ ≤ x): K₀ + K₁/√n + K₂/n + K₃/n^1.5 in z = x√n, for small z. */
function pelzGoodCdf(n: number, x: number): number {
  const z = Math.sqrt(n) * x;
  const z2 = z * z;
  const z3 = z2 * z;
  const z4 = z2 * z2;
  const z6 = z4 * z2;
  const pi2 = Math.PI ** 2;
  const pi4 = pi2 * pi2;
  const pi6 = pi4 * pi2;
  const sqrt2pi = Math.sqrt(2 * Math.PI);
  const qLog = -pi2 / 8 / z2;
  if (qLog < -708) return 0;
  let q = Math.exp(qLog);
  const k1a = -z2;
  const k1b = pi2 / 4;
  const k2a = 6 * z6 + 2 * z4;
  const k2b = ((2 * z4 - 5 * z2) * pi2) / 4;
  const k2c = (pi4 * (1 - 2 * z2)) / 16;
  const k3d = (pi6 * (5 - 30 * z2)) / 64;
  const k3c = (pi4 * (-60 * z2 + 212 * z4)) / 16;
  const k3b = (pi2 * (135 * z4 - 96 * z6)) / 4;
  const k3a = -30 * z6 - 90 * z ** 8;
  const terms = [0, 0, 0, 0];
  const maxK = Math.ceil((16 * z) / Math.PI);
  // Σ over odd m = 2k − 1 of c(m) q^(m²), in Horner form.
  for (let k = maxK; k >= 1; k -= 1) {
    const m = 2 * k - 1;
    const m2 = m * m;
    const m4 = m2 * m2;
    const m6 = m4 * m2;
    const qPower = q ** (8 * k);
    const coefficients = [1, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4, k3a + k3b * m2 + k3c * m4 + k3d * m6];
    for (let i = 0; i < 4; i += 1) terms[i] = (terms[i] as number) * qPower + (coefficients[i] as number);
  }
  const divisors = [z, 6 * z4, 72 * z ** 7, 6480 * z ** 10];
  for (let i = 0; i < 4; i += 1) terms[i] = ((terms[i] as number) * q * sqrt2pi) / (divisors[i] as number);
  // The sums over all integers k for K₂ and K₃.
  q = Math.exp(-pi2 / 2 / z2);
  let k2extra = 0;
  let k3extra = 0;
  const sqrt3z = Math.sqrt(3) * z;
  for (let k = maxK; k >= 1; k -= 1) {
    const k2 = k * k;
    const qPower = q ** k2;
    const kPi = Math.PI * k;
    k2extra += k2 * qPower;
    k3extra += (sqrt3z + kPi) * (sqrt3z - kPi) * k2 * qPower;
  }
  terms[2] = (terms[2] as number) + (k2extra * pi2 * sqrt2pi) / (-36 * z3);
  terms[3] = (terms[3] as number) + (k3extra * pi2 * sqrt2pi) / (216 * z6);
  let sum = 0;
  for (let i = 0; i < 4; i += 1) sum += (terms[i] as number) / n ** (i / 2);
  return sum;
}
