import { type DriftColumnData, pooledDistinct } from './column-data.js';
import type { DriftTest } from './drift-test.js';
import { chiSquareTest } from './tests/chi-square-test.js';
import { jensenShannonTest } from './tests/jensen-shannon-test.js';
import { ksTest } from './tests/ks-test.js';
import { wassersteinTest } from './tests/wasserstein-test.js';
import { zTest } from './tests/z-test.js';

/** Above this many reference values, the distance tests replace the statistical ones (Evidently). */
export const smallReferenceRows = 1000;

/**
 * Evidently's default test for a column: with a reference of at most 1,000 values, KS for a numeric
 * column with more than 5 distinct values (pooled), else chi-squared above 2 distinct values, else the
 * Z-test; with a larger reference, normed Wasserstein for a numeric column with more than 5 distinct
 * values, else Jensen-Shannon.
 */
export function defaultDriftTest(reference: DriftColumnData, current: DriftColumnData): DriftTest {
  const distinct = pooledDistinct(reference, current);
  if (reference.total <= smallReferenceRows) {
    if (reference.kind === 'numeric' && distinct > 5) return ksTest;
    return distinct > 2 ? chiSquareTest : zTest;
  }
  return reference.kind === 'numeric' && distinct > 5 ? wassersteinTest : jensenShannonTest;
}
