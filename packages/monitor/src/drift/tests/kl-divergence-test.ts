import { klDivergence } from '../../stats/divergences.js';
import { binnedShares } from '../binned-data.js';
import type { DriftTest } from '../drift-test.js';

/** Evidently's `kl_div`: scipy's `entropy(reference, current)` of the binned shares, zeros filled. Drift when ≥ threshold. */
export const klDivergenceTest: DriftTest = {
  name: 'kl_div',
  displayName: 'Kullback-Leibler divergence',
  kinds: ['categorical', 'numeric'],
  defaultThreshold: 0.1,
  scoreKind: 'distance',
  test(reference, current, threshold) {
    const shares = binnedShares(reference, current, true);
    const score = klDivergence(shares.reference, shares.current);
    return { score, drifted: score >= threshold };
  },
};
