import type { DriftTest } from './drift-test.js';
import { chiSquareTest } from './tests/chi-square-test.js';
import { jensenShannonTest } from './tests/jensen-shannon-test.js';
import { klDivergenceTest } from './tests/kl-divergence-test.js';
import { ksTest } from './tests/ks-test.js';
import { psiTest } from './tests/psi-test.js';
import { wassersteinTest } from './tests/wasserstein-test.js';
import { zTest } from './tests/z-test.js';

/** The tests every column can select by name, Evidently's names. */
export const builtinDriftTests: readonly DriftTest[] = [
  ksTest,
  chiSquareTest,
  zTest,
  wassersteinTest,
  jensenShannonTest,
  psiTest,
  klDivergenceTest,
];
