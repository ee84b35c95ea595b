/**
 * The Parzen estimators of TPE, as Optuna's univariate `_ParzenEstimator` (consider_prior,
 * consider_magic_clip, no endpoints): a weighted mixture of one kernel per observation plus a prior
 * kernel spanning the whole range.
 */

export interface ParzenEstimator {
  sample(random: () => number): number;
  /** Log density (up to the same constant for every estimator of a parameter). */
  logPdf(x: number): number;
}

/** Optuna's default weights: recent observations count fully, the oldest beyond 25 fade linearly. */
export function observationWeights(count: number): number[] {
  if (count < 25) return new Array<number>(count).fill(1);
  const ramp = Array.from({ length: count - 25 }, (_, i) => (count === 26 ? 1 / count : 1 / count + ((1 - 1 / count) * i) / (count - 26)));
  return [...ramp, ...new Array<number>(25).fill(1)];
}

/** Mixture weights: each observation's weight and the prior's, normalized to sum to 1. */
function mixtureWeights(observationWeight: readonly number[], priorWeight: number): number[] {
  const all = [...observationWeight, priorWeight];
  const total = all.reduce((sum, weight) => sum + weight, 0);
  return all.map((weight) => weight / total);
}

function pickKernel(weights: readonly number[], random: () => number): number {
  let u = random();
  for (let i = 0; i < weights.length; i++) {
    u -= weights[i] as number;
    if (u < 0) return i;
  }
  return weights.length - 1;
}

/**
 * Truncated Gaussians on [low, high] (already in log space for a log parameter). Each observation's
 * bandwidth is the larger gap to its sorted neighbours (the range ends standing in for the missing
 * neighbours, except that the outermost kernels use their inner gap), clipped to
 * [(high − low) / min(100, 1 + kernels), high − low]; the prior sits mid-range with bandwidth high − low.
 */
export function numericParzen(
  observations: readonly number[],
  weights: readonly number[],
  low: number,
  high: number,
  priorWeight = 1,
): ParzenEstimator {
  const range = high - low;
  const order = observations.map((_, i) => i).sort((a, b) => (observations[a] as number) - (observations[b] as number));
  const sorted = [low, ...order.map((i) => observations[i] as number), high];
  const sortedSigmas = order.map((_, k) =>
    Math.max((sorted[k + 1] as number) - (sorted[k] as number), (sorted[k + 2] as number) - (sorted[k + 1] as number)),
  );
  if (sorted.length >= 4) {
    sortedSigmas[0] = (sorted[2] as number) - (sorted[1] as number);
    sortedSigmas[sortedSigmas.length - 1] = (sorted[sorted.length - 2] as number) - (sorted[sorted.length - 3] as number);
  }
  const minSigma = range / Math.min(100, 1 + observations.length + 1);
  const sigmas = new Array<number>(observations.length);
  order.forEach((original, k) => {
    sigmas[original] = Math.min(range, Math.max(minSigma, sortedSigmas[k] as number));
  });
  const mus = [...observations, (low + high) / 2];
  sigmas.push(range);
  const mixture = mixtureWeights(weights, priorWeight);
  // Each kernel's mass inside [low, high], which the truncated density divides by.
  const logMass = mus.map((mu, i) =>
    Math.log(Math.max(1e-300, normalCdf((high - mu) / (sigmas[i] as number)) - normalCdf((low - mu) / (sigmas[i] as number)))),
  );
  return {
    sample(random) {
      const k = pickKernel(mixture, random);
      const mu = mus[k] as number;
      const sigma = sigmas[k] as number;
      // Rejection sampling: every mu is inside the range and sigma is at most its width, so at least a third of draws land.
      for (let attempt = 0; attempt < 100; attempt++) {
        const x = mu + sigma * standardNormal(random);
        if (x >= low && x <= high) return x;
      }
      return Math.min(high, Math.max(low, mu));
    },
    logPdf(x) {
      const terms = mus.map((mu, i) => {
        const sigma = sigmas[i] as number;
        const z = (x - mu) / sigma;
        return Math.log(mixture[i] as number) - 0.5 * z * z - Math.log(sigma) - 0.5 * Math.log(2 * Math.PI) - (logMass[i] as number);
      });
      return logSumExp(terms);
    },
  };
}

/**
 * Categorical kernels: observation i puts weight 1 + prior/(n + 1) on its choice and prior/(n + 1) on
 * every choice (normalized); the prior kernel is uniform. With no observations, only the uniform prior.
 */
export function categoricalParzen(
  observations: readonly number[],
  weights: readonly number[],
  choices: number,
  priorWeight = 1,
): ParzenEstimator {
  const probabilities = new Array<number>(choices).fill(0);
  const mixture = mixtureWeights(weights, priorWeight);
  const smoothing = priorWeight / (observations.length + 1);
  observations.forEach((choice, i) => {
    const total = 1 + smoothing * choices;
    for (let c = 0; c < choices; c++)
      probabilities[c] = (probabilities[c] as number) + ((mixture[i] as number) * (smoothing + (c === choice ? 1 : 0))) / total;
  });
  const prior = mixture[mixture.length - 1] as number;
  for (let c = 0; c < choices; c++) probabilities[c] = (probabilities[c] as number) + prior / choices;
  return {
    sample(random) {
      return pickKernel(probabilities, random);
    },
    logPdf(x) {
      return Math.log(probabilities[x] ?? 0);
    },
  };
}

function logSumExp(terms: readonly number[]): number {
  const max = Math.max(...terms);
  if (!Number.isFinite(max)) return max;
  return max + Math.log(terms.reduce((sum, term) => sum + Math.exp(term - max), 0));
}

/** Box–Muller; draws two uniforms per normal (simple, and the stream stays a pure function of the seed). */
function standardNormal(random: () => number): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** Φ(z) through erfc (Numerical Recipes' Chebyshev fit, relative error below 1.2e-7 everywhere). */
export function normalCdf(z: number): number {
  const x = -z / Math.SQRT2;
  const t = 1 / (1 + 0.5 * Math.abs(x));
  const y =
    t *
    Math.exp(
      -x * x -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  const erfc = x >= 0 ? y : 2 - y;
  return 0.5 * erfc;
}
