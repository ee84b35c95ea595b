import { chiSquaredSf } from '../../stats/gamma.js';
import { alignedCounts } from '../binned-data.js';
import type { DriftTest } from '../drift-test.js';

/**
 * Evidently's `chisquare`: scipy's `chisquare(f_obs, f_exp)` p-value, the current counts observed and
 * the reference counts scaled to the current size expected, over every value either side holds; a
 * value the reference never had makes the statistic infinite and p 0. Drift when p < threshold.
 */
export const chiSquareTest: DriftTest = {
  name: 'chisquare',
  displayName: 'chi-square p_value',
  kinds: ['categorical', 'numeric'],
  defaultThreshold: 0.05,
  scoreKind: 'p_value',
  test(reference, current, threshold) {
    const { reference: ref, current: cur } = alignedCounts(reference, current);
    const scale = current.total / reference.total;
    let statistic = 0;
    for (let i = 0; i < ref.length; i += 1) {
      const expected = (ref[i] as number) * scale;
      const observed = cur[i] as number;
      statistic += expected === 0 ? (observed === 0 ? 0 : Number.POSITIVE_INFINITY) : (observed - expected) ** 2 / expected;
    }
    const dof = ref.length - 1;
    // One value on both sides: no degrees of freedom, nothing can differ (scipy answers NaN).
    const pValue = dof < 1 ? 1 : chiSquaredSf(statistic, dof);
    return { score: pValue, drifted: pValue < threshold };
  },
};
