import { describe, expect, it } from 'vitest';
import { ashaRungs, createAshaPruner } from './asha-pruner.js';

describe('ashaRungs', () => {
  it('places rungs at minEpochs·rf^k below maxEpochs', () => {
    expect(ashaRungs(1, 3, 27)).toEqual([1, 3, 9]);
    expect(ashaRungs(2, 3, 20)).toEqual([2, 6, 18]);
    expect(ashaRungs(2, 2, 2)).toEqual([]);
    expect(ashaRungs(5, 4, 100)).toEqual([5, 20, 80]);
  });
});

describe('createAshaPruner', () => {
  it('continues between rungs and after the last one', () => {
    const pruner = createAshaPruner({ minEpochs: 2, reductionFactor: 2, maxEpochs: 8, direction: 'minimize' });
    expect(pruner.rungs).toEqual([2, 4]);
    expect(pruner.report(0, 1, 100)).toBe('continue');
    expect(pruner.report(0, 2, 1)).toBe('continue');
    expect(pruner.report(1, 1, 100)).toBe('continue');
    expect(pruner.report(1, 5, 1000)).toBe('prune');
    expect(pruner.report(0, 6, 1000)).toBe('continue');
  });

  it('promotes the top 1/rf at a rung, judging each arrival against the values so far', () => {
    const pruner = createAshaPruner({ minEpochs: 1, reductionFactor: 3, maxEpochs: 9, direction: 'minimize' });
    // Fewer than rf values: only the best so far goes on.
    expect(pruner.report(0, 1, 0.5)).toBe('continue');
    expect(pruner.report(1, 1, 0.7)).toBe('prune');
    expect(pruner.report(2, 1, 0.4)).toBe('continue');
    // Values 0.4, 0.5, 0.7, 0.45 → the top ⌊4/3⌋ = 1 is 0.4; 0.45 is pruned.
    expect(pruner.report(3, 1, 0.45)).toBe('prune');
    // Six values: the top 2 are 0.3 and 0.4.
    expect(pruner.report(4, 1, 0.9)).toBe('prune');
    expect(pruner.report(5, 1, 0.3)).toBe('continue');
    expect(pruner.report(6, 1, 0.4)).toBe('continue');
    // A pruned trial stays pruned.
    expect(pruner.report(1, 2, 0)).toBe('prune');
  });

  it('orients by direction and prunes NaN', () => {
    const pruner = createAshaPruner({ minEpochs: 1, reductionFactor: 2, maxEpochs: 4, direction: 'maximize' });
    expect(pruner.report(0, 1, 0.8)).toBe('continue');
    expect(pruner.report(1, 1, 0.9)).toBe('continue');
    expect(pruner.report(2, 1, 0.1)).toBe('prune');
    expect(pruner.report(3, 1, Number.NaN)).toBe('prune');
  });

  it('judges at every rung a report skipped over', () => {
    const pruner = createAshaPruner({ minEpochs: 1, reductionFactor: 2, maxEpochs: 8, direction: 'minimize' });
    expect(pruner.report(0, 4, 1)).toBe('continue');
    expect(pruner.report(1, 1, 0.5)).toBe('continue');
    expect(pruner.report(1, 2, 0.5)).toBe('continue');
    // Trial 2 skips to epoch 4: judged at rungs 1, 2 and 4, where 2 is worse than the best so far.
    expect(pruner.report(2, 4, 2)).toBe('prune');
  });

  it('restores rungs from ended trials, leaving RUNNING ones to report again', () => {
    const options = { minEpochs: 1, reductionFactor: 2, maxEpochs: 4, direction: 'minimize' } as const;
    const restored = createAshaPruner(options);
    restored.restore([
      {
        index: 0,
        params: {},
        status: 'FINISHED',
        value: 0.1,
        intermediate: [
          { epoch: 1, value: 0.2 },
          { epoch: 2, value: 0.15 },
        ],
      },
      { index: 1, params: {}, status: 'RUNNING', intermediate: [{ epoch: 1, value: 0.01 }] },
    ]);
    // Against trial 0's 0.2 alone, 0.3 is not the best; the RUNNING trial's 0.01 was not counted.
    expect(restored.report(2, 1, 0.3)).toBe('prune');
    expect(restored.report(1, 1, 0.19)).toBe('continue');
    const fresh = createAshaPruner(options);
    expect(fresh.report(2, 1, 0.3)).toBe('continue');
  });
});
