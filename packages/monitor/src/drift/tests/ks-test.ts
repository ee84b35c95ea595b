import { MlpError } from '@mlp/core';
import { ksTwoSample } from '../../stats/ks-two-sample.js';
import type { DriftTest } from '../drift-test.js';

/** Evidently's `ks`: the two-sample Kolmogorov–Smirnov p-value (scipy `ks_2samp`); drift when p ≤ threshold. */
export const ksTest: DriftTest = {
  name: 'ks',
  displayName: 'K-S p_value',
  kinds: ['numeric'],
  defaultThreshold: 0.05,
  scoreKind: 'p_value',
  test(reference, current, threshold) {
    if (reference.kind !== 'numeric' || current.kind !== 'numeric')
      throw new MlpError('INVALID_ARGUMENT', 'ks tests numeric columns only.');
    const { pValue } = ksTwoSample(reference, current);
    return { score: pValue, drifted: pValue <= threshold };
  },
};
