/**
 * The log-gamma and regularized incomplete gamma functions, for the chi-squared and normal tails.
 * Lanczos's approximation (g = 7, 9 terms) and, for the incomplete gamma, its series below a + 1 and
 * Lentz's continued fraction above (Numerical Recipes, 3rd ed., §6.1–6.2): about 15 significant digits.
 */

const lanczos = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0. */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = lanczos[0] as number;
  const t = z + 7.5;
  for (let i = 1; i < 9; i += 1) sum += (lanczos[i] as number) / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

const epsilon = 1e-16;
const tiny = 1e-300;

function lowerSeries(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  for (let n = 1; n < 10_000; n += 1) {
    term *= x / (a + n);
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * epsilon) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
}

function upperFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10_000; i += 1) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < epsilon) break;
  }
  return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
}

/** Q(a, x) = Γ(a, x) / Γ(a), the upper regularized incomplete gamma function, for a > 0 and x ≥ 0. */
export function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  if (x === Number.POSITIVE_INFINITY) return 0;
  return x < a + 1 ? 1 - lowerSeries(a, x) : upperFraction(a, x);
}

/** P(X > x) for X chi-squared with `dof` degrees of freedom (scipy's `chi2.sf`). */
export function chiSquaredSf(x: number, dof: number): number {
  return gammaQ(dof / 2, x / 2);
}

/** erfc(x), through erfc(x) = Q(1/2, x²) for x ≥ 0 and erfc(−x) = 2 − erfc(x). */
export function erfc(x: number): number {
  const upper = gammaQ(0.5, x * x);
  return x >= 0 ? upper : 2 - upper;
}

/** Φ(x), the standard normal distribution function (scipy's `norm.cdf`). */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}
