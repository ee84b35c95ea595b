import { jensenShannonDistance } from '../../stats/divergences.js';
import { binnedShares } from '../binned-data.js';
import type { DriftTest } from '../drift-test.js';

/** Evidently's `jensenshannon`: scipy's Jensen-Shannon distance (base 2) of the binned shares, zeros kept. Drift when ≥ threshold. */
export const jensenShannonTest: DriftTest = {
  name: 'jensenshannon',
  displayName: 'Jensen-Shannon distance',
  kinds: ['categorical', 'numeric'],
  defaultThreshold: 0.1,
  scoreKind: 'distance',
  test(reference, current, threshold) {
    const shares = binnedShares(reference, current, false);
    const score = jensenShannonDistance(shares.reference, shares.current, 2);
    return { score, drifted: score >= threshold };
  },
};
