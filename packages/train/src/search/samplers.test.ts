import { describe, expect, it } from 'vitest';
import { createSampler } from './create-sampler.js';
import { normalCdf, numericParzen, observationWeights } from './parzen-estimator.js';
import type { Sampler, TrialRecord } from './sampler.js';
import type { SearchSpace } from './search-space.js';
import { tpeGamma } from './tpe-sampler.js';

const space: SearchSpace = {
  'optimizer.learningRate': { type: 'float', low: 1e-4, high: 1, log: true },
  batchSize: { type: 'int', low: 16, high: 256, step: 16, log: false },
  'model.hiddenUnits': { type: 'int', low: 1, high: 512, step: 1, log: true },
  'model.activation': { type: 'categorical', choices: ['relu', 'tanh', 'gelu'] },
};

/** Runs a sequential search of `objective` (minimized) and returns the best value. */
function bestAfter(sampler: Sampler, objective: (params: Record<string, unknown>) => number, trials: number): number {
  const history: TrialRecord[] = [];
  for (let index = 0; index < trials; index++) {
    const params = sampler.propose(index, history);
    history.push({ index, params, status: 'FINISHED', value: objective(params) });
  }
  return Math.min(...history.map((trial) => trial.value as number));
}

describe('random sampler', () => {
  it('draws inside each distribution, on the int steps, the same for the same seed and index', () => {
    const sampler = createSampler('random', space, { seed: 7, direction: 'minimize', startupTrials: 5 });
    const proposals = Array.from({ length: 200 }, (_, index) => sampler.propose(index, []));
    for (const params of proposals) {
      const lr = params['optimizer.learningRate'] as number;
      expect(lr).toBeGreaterThanOrEqual(1e-4);
      expect(lr).toBeLessThanOrEqual(1);
      expect((params.batchSize as number) % 16).toBe(0);
      expect(params.batchSize as number).toBeGreaterThanOrEqual(16);
      expect(params.batchSize as number).toBeLessThanOrEqual(256);
      expect(Number.isInteger(params['model.hiddenUnits'])).toBe(true);
      expect(['relu', 'tanh', 'gelu']).toContain(params['model.activation']);
    }
    // Log-uniform: about half the learning rates lie below 1e-2, the geometric middle.
    const low = proposals.filter((params) => (params['optimizer.learningRate'] as number) < 1e-2).length;
    expect(low).toBeGreaterThan(70);
    expect(low).toBeLessThan(130);
    const again = createSampler('random', space, { seed: 7, direction: 'minimize', startupTrials: 5 });
    expect(again.propose(150, [])).toEqual(proposals[150]);
    expect(createSampler('random', space, { seed: 8, direction: 'minimize', startupTrials: 5 }).propose(150, [])).not.toEqual(
      proposals[150],
    );
  });
});

describe('grid sampler', () => {
  it('proposes grid point i for trial i and knows the grid size', () => {
    const sampler = createSampler(
      'grid',
      { a: { type: 'categorical', choices: [1, 2, 3] } },
      { seed: 1, direction: 'minimize', startupTrials: 1 },
    );
    expect(sampler.size).toBe(3);
    expect([0, 1, 2].map((index) => sampler.propose(index, []))).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }]);
    expect(() => sampler.propose(3, [])).toThrow(/at most 3 trials/);
  });
});

describe('parzen estimator helpers', () => {
  it('matches the normal CDF and Optuna weights', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.96)).toBeCloseTo(0.975, 4);
    expect(normalCdf(-3)).toBeCloseTo(0.0013499, 6);
    expect(observationWeights(3)).toEqual([1, 1, 1]);
    const weights = observationWeights(30);
    expect(weights).toHaveLength(30);
    expect(weights[0]).toBeCloseTo(1 / 30);
    expect(weights[4]).toBeCloseTo(1);
    expect(tpeGamma(5)).toBe(1);
    expect(tpeGamma(40)).toBe(4);
    expect(tpeGamma(1000)).toBe(25);
  });

  it('puts more density near the observations than far from them, within the bounds', () => {
    const estimator = numericParzen([0.2, 0.25], [1, 1], 0, 1);
    expect(estimator.logPdf(0.22)).toBeGreaterThan(estimator.logPdf(0.9));
    let random = 0.123;
    const next = () => {
      random = (random * 9301 + 0.49297) % 1;
      return random;
    };
    for (let i = 0; i < 100; i++) {
      const x = estimator.sample(next);
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThanOrEqual(1);
    }
  });
});

describe('TPE sampler', () => {
  const quadratic: SearchSpace = {
    x: { type: 'float', low: -5, high: 5, log: false },
    y: { type: 'float', low: -5, high: 5, log: false },
  };
  const objective = (params: Record<string, unknown>) => ((params.x as number) - 1.2) ** 2 + ((params.y as number) + 2.1) ** 2;

  it('is random for the startup trials, then a pure function of (seed, index, history)', () => {
    const tpe = createSampler('tpe', quadratic, { seed: 3, direction: 'minimize', startupTrials: 4 });
    const random = createSampler('random', quadratic, { seed: 3, direction: 'minimize', startupTrials: 4 });
    const history: TrialRecord[] = [];
    for (let index = 0; index < 4; index++) {
      const params = tpe.propose(index, history);
      expect(params).toEqual(random.propose(index, []));
      history.push({ index, params, status: 'FINISHED', value: objective(params) });
    }
    const proposed = tpe.propose(4, history);
    expect(proposed).not.toEqual(random.propose(4, []));
    expect(createSampler('tpe', quadratic, { seed: 3, direction: 'minimize', startupTrials: 4 }).propose(4, [...history])).toEqual(
      proposed,
    );
  });

  it('finds a better point than random search in 40 trials, on average over 6 seeds', () => {
    const seeds = [1, 2, 3, 4, 5, 6];
    const mean = (kind: 'tpe' | 'random') =>
      seeds.reduce(
        (sum, seed) => sum + bestAfter(createSampler(kind, quadratic, { seed, direction: 'minimize', startupTrials: 10 }), objective, 40),
        0,
      ) / seeds.length;
    const tpe = mean('tpe');
    const random = mean('random');
    expect(tpe).toBeLessThan(random);
  });

  it('maximizes when told to', () => {
    const negated = (params: Record<string, unknown>) => -objective(params);
    const seeds = [1, 2, 3, 4, 5];
    const best = (kind: 'tpe' | 'random') =>
      seeds.reduce((sum, seed) => {
        const sampler = createSampler(kind, quadratic, { seed, direction: 'maximize', startupTrials: 10 });
        const history: TrialRecord[] = [];
        for (let index = 0; index < 40; index++) {
          const params = sampler.propose(index, history);
          history.push({ index, params, status: 'FINISHED', value: negated(params) });
        }
        return sum + Math.max(...history.map((trial) => trial.value as number));
      }, 0);
    expect(best('tpe')).toBeGreaterThan(best('random'));
  });

  it('keeps ints on their steps and categorical values among the choices', () => {
    const tpe = createSampler('tpe', space, { seed: 11, direction: 'minimize', startupTrials: 3 });
    const history: TrialRecord[] = [];
    for (let index = 0; index < 30; index++) {
      const params = tpe.propose(index, history);
      expect((params.batchSize as number) % 16).toBe(0);
      expect(Number.isInteger(params['model.hiddenUnits'])).toBe(true);
      expect(['relu', 'tanh', 'gelu']).toContain(params['model.activation']);
      const value = Math.abs(Math.log10(params['optimizer.learningRate'] as number) + 2) + (params['model.activation'] === 'tanh' ? 0 : 1);
      history.push({ index, params, status: index % 7 === 3 ? 'FAILED' : 'FINISHED', value });
    }
    // The model learns that tanh is better: most of the last ten proposals pick it.
    const lastTen = history.slice(-10).filter((trial) => trial.params['model.activation'] === 'tanh').length;
    expect(lastTen).toBeGreaterThanOrEqual(6);
  });
});
