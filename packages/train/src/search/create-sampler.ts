import { createGridSampler } from './grid-sampler.js';
import { createRandomSampler } from './random-sampler.js';
import type { Direction, Sampler, SamplerKind } from './sampler.js';
import type { SearchSpace } from './search-space.js';
import { createTpeSampler } from './tpe-sampler.js';

export interface CreateSamplerOptions {
  seed: number;
  direction: Direction;
  /** Random trials before TPE models the results. */
  startupTrials: number;
}

/** The sampler named by `search.sampler`; a grid sampler also tells how many points it has (`size`). */
export function createSampler(kind: SamplerKind, space: SearchSpace, options: CreateSamplerOptions): Sampler & { size?: number } {
  if (kind === 'grid') return createGridSampler(space);
  if (kind === 'random') return createRandomSampler(space, { seed: options.seed });
  return createTpeSampler(space, options);
}
