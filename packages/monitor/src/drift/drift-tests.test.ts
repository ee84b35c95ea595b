import { describe, expect, it } from 'vitest';
import { categoricalColumnOf, numericColumnOf } from './column-data.js';
import { chiSquareTest } from './tests/chi-square-test.js';
import { jensenShannonTest } from './tests/jensen-shannon-test.js';
import { klDivergenceTest } from './tests/kl-divergence-test.js';
import { ksTest } from './tests/ks-test.js';
import { psiTest } from './tests/psi-test.js';
import { wassersteinTest } from './tests/wasserstein-test.js';
import { zTest } from './tests/z-test.js';

// Expected values: scipy 1.17.1 and numpy 2.4.6 on the same arrays, through the functions Evidently's
// stattests call (evidently/calculations/stattests/*.py and utils.get_binned_data), e.g.
//   stats.ks_2samp(ref, cur).pvalue; stats.wasserstein_distance(ref, cur) / max(np.std(ref), 0.001);
//   bins = np.histogram_bin_edges(np.concatenate([ref, cur]), bins='sturges'); distance.jensenshannon(rp, cp, 2);
//   np.sum((rp - cp) * np.log(rp / cp)); stats.entropy(rp, cp); stats.chisquare(f_obs, f_exp).pvalue.
const ref = numericColumnOf(Array.from({ length: 300 }, (_, i) => ((i * 7919) % 101) / 10));
const cur = numericColumnOf(Array.from({ length: 250 }, (_, i) => ((i * 104729) % 97) / 10 + 0.8));
const repeat = (value: string, n: number) => Array.from({ length: n }, () => value);

describe('numeric drift tests, Evidently definitions', () => {
  it('ks: the exact two-sided p-value of ks_2samp', () => {
    const result = ksTest.test(ref, cur, 0.05);
    expect(result.score).toBeCloseTo(0.25031011091969585, 12);
    expect(result.drifted).toBe(false);
    expect(ksTest.test(ref, cur, 0.3).drifted).toBe(true);
  });

  it('wasserstein: the distance over the reference population std', () => {
    const result = wassersteinTest.test(ref, cur, 0.1);
    expect(result.score).toBeCloseTo(0.1948037805391584, 12);
    expect(result.drifted).toBe(true);
    expect(wassersteinTest.test(ref, ref, 0.1)).toEqual({ score: 0, drifted: false });
  });

  it('jensenshannon, psi and kl_div on Sturges bins of both sides pooled (11 bins here)', () => {
    expect(jensenShannonTest.test(ref, cur, 0.1).score).toBeCloseTo(0.14855626010736062, 12);
    expect(psiTest.test(ref, cur, 0.1).score).toBeCloseTo(0.13095420858214962, 12);
    expect(klDivergenceTest.test(ref, cur, 0.1).score).toBeCloseTo(0.0770817634523963, 12);
  });

  it('bins whole numbers as numpy does', () => {
    const ints = numericColumnOf(Array.from({ length: 400 }, (_, i) => i % 30));
    const others = numericColumnOf(Array.from({ length: 300 }, (_, i) => (i * 7) % 35));
    expect(jensenShannonTest.test(ints, others, 0.1).score).toBeCloseTo(0.6073747936868071, 12);
  });
});

describe('categorical drift tests, Evidently definitions', () => {
  const before = categoricalColumnOf([...repeat('a', 10), ...repeat('b', 20), ...repeat('c', 30)]);
  const after = categoricalColumnOf([...repeat('a', 20), ...repeat('b', 20), ...repeat('c', 20)]);

  it('chisquare: current counts against reference counts scaled to the current size', () => {
    const result = chiSquareTest.test(before, after, 0.05);
    expect(result.score).toBeCloseTo(0.0012726338013398079, 14);
    expect(result.drifted).toBe(true);
    const unseen = categoricalColumnOf(['a', 'a', 'z']);
    expect(chiSquareTest.test(categoricalColumnOf(['a', 'b']), unseen, 0.05)).toEqual({ score: 0, drifted: true });
  });

  it('jensenshannon by value, and psi and kl_div with a category the reference never had', () => {
    expect(jensenShannonTest.test(before, after, 0.1).score).toBeCloseTo(0.1803606400066241, 12);
    const reference = categoricalColumnOf([...repeat('a', 40), ...repeat('b', 20)]);
    const current = categoricalColumnOf([...repeat('a', 30), ...repeat('b', 20), ...repeat('d', 10)]);
    expect(jensenShannonTest.test(reference, current, 0.1).score).toBeCloseTo(0.3032330027883178, 12);
    expect(psiTest.test(reference, current, 0.1).score).toBeCloseTo(1.283635304443043, 12);
    expect(klDivergenceTest.test(reference, current, 0.1).score).toBeCloseTo(0.1909270925018287, 12);
  });

  it('z: the two-sided two-proportion test; p = 1 for the same single value on both sides', () => {
    const reference = categoricalColumnOf([...repeat('yes', 30), ...repeat('no', 70)]);
    const current = categoricalColumnOf([...repeat('yes', 50), ...repeat('no', 70)]);
    const result = zTest.test(reference, current, 0.05);
    expect(result.score).toBeCloseTo(0.07326407689400849, 12);
    expect(result.drifted).toBe(false);
    expect(zTest.test(categoricalColumnOf(['x', 'x']), categoricalColumnOf(['x']), 0.05)).toEqual({ score: 1, drifted: false });
  });
});
