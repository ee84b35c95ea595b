import type { ParamDistribution } from '../spec/train-spec.js';
import type { Sampler } from './sampler.js';
import { type Params, type SearchSpace, validateSpace } from './search-space.js';
import { trialRandom } from './trial-random.js';

/** Independent uniform draws per parameter (log-uniform on a log scale): the baseline every search should beat. */
export function createRandomSampler(space: SearchSpace, options: { seed: number }): Sampler {
  validateSpace(space);
  return {
    propose(index) {
      const random = trialRandom(options.seed, index);
      const params: Params = {};
      for (const [name, distribution] of Object.entries(space)) params[name] = sampleUniform(distribution, random);
      return params;
    },
  };
}

/** One uniform draw from a distribution (log-uniform when `log`; ints land on low + k·step). */
export function sampleUniform(distribution: ParamDistribution, random: () => number): unknown {
  if (distribution.type === 'categorical') return distribution.choices[Math.floor(random() * distribution.choices.length)];
  if (distribution.type === 'float') {
    if (!distribution.log) return distribution.low + random() * (distribution.high - distribution.low);
    const low = Math.log(distribution.low);
    return Math.min(distribution.high, Math.max(distribution.low, Math.exp(low + random() * (Math.log(distribution.high) - low))));
  }
  if (!distribution.log) {
    const steps = Math.floor((distribution.high - distribution.low) / distribution.step);
    return distribution.low + Math.floor(random() * (steps + 1)) * distribution.step;
  }
  // Log-uniform over [low - ½, high + ½], rounded: each integer gets the mass of its unit interval.
  const low = Math.log(distribution.low - 0.5);
  const value = Math.round(Math.exp(low + random() * (Math.log(distribution.high + 0.5) - low)));
  return Math.min(distribution.high, Math.max(distribution.low, value));
}
