import { normalCdf } from '../../stats/gamma.js';
import { alignedCounts } from '../binned-data.js';
import type { DriftTest } from '../drift-test.js';

/**
 * Evidently's `z`: the two-proportion Z-test, two-sided, of the share of values other than the
 * smallest one (the only one, for a binary column, since the shares of the two values are tied);
 * p is 1 when both sides hold the same single value. Drift when p < threshold.
 */
export const zTest: DriftTest = {
  name: 'z',
  displayName: 'Z-test p_value',
  kinds: ['categorical', 'numeric'],
  defaultThreshold: 0.05,
  scoreKind: 'p_value',
  test(reference, current, threshold) {
    const { keys, reference: ref, current: cur } = alignedCounts(reference, current);
    if (keys.length === 1) return { score: 1, drifted: false };
    let first = 0;
    for (let i = 1; i < keys.length; i += 1) if ((keys[i] as string | number) < (keys[first] as string | number)) first = i;
    const n1 = reference.total;
    const n2 = current.total;
    const p1 = (n1 - (ref[first] as number)) / n1;
    const p2 = (n2 - (cur[first] as number)) / n2;
    const pooled = (p1 * n1 + p2 * n2) / (n1 + n2);
    const z = (p1 - p2) / Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
    const pValue = 2 * (1 - normalCdf(Math.abs(z)));
    return { score: pValue, drifted: pValue < threshold };
  },
};
