import { describe, expect, it } from 'vitest';
import { numericColumnOf } from '../drift/column-data.js';
import { chiSquaredSf, normalCdf } from './gamma.js';
import { kolmogorovTwoSidedSf } from './kolmogorov-distribution.js';
import { ksTwoSample } from './ks-two-sample.js';

// Expected values from scipy 1.17.1: stats.chi2.sf, stats.norm.cdf, stats.kstwo.sf and
// stats.ks_2samp (method 'auto') on the arrays built the same way in Python.
const sample = (n: number, f: (i: number) => number) => numericColumnOf(Array.from({ length: n }, (_, i) => f(i)));

describe('distribution tails', () => {
  it('chi-squared survival function', () => {
    expect(chiSquaredSf(3.7, 4)).toBeCloseTo(0.44812592399383866, 14);
    expect(chiSquaredSf(50, 3) / 7.989179244951495e-11).toBeCloseTo(1, 10);
    expect(chiSquaredSf(0.01, 1)).toBeCloseTo(0.920344325445942, 14);
  });

  it('normal distribution function, far into the tail', () => {
    expect(normalCdf(-1.96)).toBeCloseTo(0.024997895148220435, 15);
    expect(normalCdf(0.3)).toBeCloseTo(0.6179114221889526, 15);
    expect(normalCdf(-8) / 6.22096057427174e-16).toBeCloseTo(1, 10);
  });
});

describe('the distribution of the one-sample two-sided KS statistic', () => {
  it('matches scipy kstwo.sf in every regime (closed forms, Durbin matrix, Pelz-Good, Smirnov tail)', () => {
    // [n, x, stats.kstwo.sf(x, n)] from scipy 1.17.1
    const cases = [
      [5, 0.15, 0.9988],
      [30, 0.1, 0.8960782680050898],
      [100, 0.15, 0.019839242125641813],
      [140, 0.08, 0.31480749911643063],
      [300, 0.05, 0.42744120502346905],
      [700, 0.02, 0.9368273096590701],
      [999, 0.05, 0.013077334507170583],
      [999, 0.6, 0],
    ] as const;
    for (const [n, x, expected] of cases) expect(kolmogorovTwoSidedSf(n, x), `n=${n} x=${x}`).toBeCloseTo(expected, 12);
  });
});

describe('two-sample Kolmogorov-Smirnov', () => {
  it('is exact for unequal sizes (lattice paths inside the band)', () => {
    const result = ksTwoSample(
      sample(40, (i) => ((i * 37) % 53) / 7),
      sample(25, (i) => ((i * 11) % 29) / 5),
    );
    expect(result.method).toBe('exact');
    expect(result.statistic).toBeCloseTo(0.255, 14);
    expect(result.pValue).toBeCloseTo(0.22745386178581609, 14);
  });

  it('is exact for equal sizes (outside the square)', () => {
    const result = ksTwoSample(
      sample(30, (i) => ((i * 37) % 53) / 7),
      sample(30, (i) => ((i * 11) % 29) / 5 + 0.5),
    );
    expect(result.pValue).toBeCloseTo(0.5940706297759378, 14);
  });

  it('turns asymptotic beyond 10,000 values a side', () => {
    const result = ksTwoSample(
      sample(700, (i) => ((i * 37) % 1009) / 7),
      sample(20_000, (i) => ((i * 11) % 1013) / 7 + 3),
    );
    expect(result.method).toBe('asymp');
    expect(result.statistic).toBeCloseTo(0.0329071428571428, 12);
    expect(result.pValue).toBeCloseTo(0.4473887569993402, 12); // kstwo.sf(D, round(n·m/(n+m)))
  });
});
