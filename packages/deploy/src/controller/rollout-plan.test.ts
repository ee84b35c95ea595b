import { describe, expect, it } from 'vitest';
import { replicasAt, rolloutWeights } from './rollout-plan.js';

describe('rollout plans', () => {
  it('canary follows its steps up to 100; blue-green switches at once', () => {
    expect(rolloutWeights({ strategy: 'canary', steps: [10, 50], replicas: 2 })).toEqual([10, 50, 100]);
    expect(rolloutWeights({ strategy: 'canary', steps: [20, 100], replicas: 2 })).toEqual([20, 100]);
    expect(rolloutWeights({ strategy: 'blue-green', steps: [10], replicas: 3 })).toEqual([100]);
    expect(replicasAt({ strategy: 'blue-green', replicas: 3 }, 0)).toEqual({ next: 3, stable: 3 });
  });

  it('rolling replaces one server per step and keeps the total at the replica count', () => {
    const spec = { strategy: 'rolling' as const, steps: [100], replicas: 3 };
    expect(rolloutWeights(spec)).toEqual([33.33, 66.67, 100]);
    expect([-1, 0, 1, 2].map((step) => replicasAt(spec, step))).toEqual([
      { next: 1, stable: 3 },
      { next: 1, stable: 2 },
      { next: 2, stable: 1 },
      { next: 3, stable: 0 },
    ]);
  });
});
