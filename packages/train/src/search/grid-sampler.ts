import { MlpError } from '@mlp/core';
import type { Sampler } from './sampler.js';
import { gridPoints, type Params, type SearchSpace } from './search-space.js';

export interface GridSampler extends Sampler {
  /** How many points the grid has: a grid search runs at most this many trials. */
  readonly size: number;
}

/** Trial i runs grid point i, in `gridPoints` order, so a resumed grid search never repeats a point. */
export function createGridSampler(space: SearchSpace): GridSampler {
  const points = gridPoints(space);
  return {
    size: points.length,
    propose(index): Params {
      const point = points[index];
      if (point === undefined)
        throw new MlpError(
          'INVALID_ARGUMENT',
          `grid trial ${index} is past the grid's ${points.length} points; run at most ${points.length} trials.`,
        );
      return { ...point };
    },
  };
}
