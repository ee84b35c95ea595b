import { populationStabilityIndex } from '../../stats/divergences.js';
import { binnedShares } from '../binned-data.js';
import type { DriftTest } from '../drift-test.js';

/** Evidently's `psi`: the population stability index of the binned shares, zeros filled. Drift when ≥ threshold. */
export const psiTest: DriftTest = {
  name: 'psi',
  displayName: 'PSI',
  kinds: ['categorical', 'numeric'],
  defaultThreshold: 0.1,
  scoreKind: 'distance',
  test(reference, current, threshold) {
    const shares = binnedShares(reference, current, true);
    const score = populationStabilityIndex(shares.reference, shares.current);
    return { score, drifted: score >= threshold };
  },
};
