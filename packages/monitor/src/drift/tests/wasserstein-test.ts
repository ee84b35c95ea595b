import { MlpError } from '@mlp/core';
import { populationStd, wassersteinDistance } from '../../stats/wasserstein.js';
import type { DriftTest } from '../drift-test.js';

/**
 * Evidently's `wasserstein`: scipy's `wasserstein_distance` divided by the reference's population
 * standard deviation (at least 0.001). Drift when the score ≥ threshold.
 */
export const wassersteinTest: DriftTest = {
  name: 'wasserstein',
  displayName: 'Wasserstein distance (normed)',
  kinds: ['numeric'],
  defaultThreshold: 0.1,
  scoreKind: 'distance',
  test(reference, current, threshold) {
    if (reference.kind !== 'numeric' || current.kind !== 'numeric') {
      throw new MlpError('INVALID_ARGUMENT', 'wasserstein tests numeric columns only.');
    }
    const score = wassersteinDistance(reference, current) / Math.max(populationStd(reference), 0.001);
    return { score, drifted: score >= threshold };
  },
};
