import { describe, expect, it } from 'vitest';
import type { Run } from '../model.js';
import { compareRuns } from './compare-runs.js';
import { createTestTracking } from './test-support/test-tracking.js';

function run(runId: string, params: Record<string, string>, metrics: Record<string, number>): Run {
  return {
    runId,
    name: `name-${runId}`,
    experimentId: '1',
    userId: '',
    status: 'FINISHED',
    startTime: 0,
    endTime: 1,
    artifactUri: '',
    lifecycleStage: 'active',
    parentRunId: null,
    params,
    metrics: Object.fromEntries(Object.entries(metrics).map(([key, value]) => [key, { key, value, step: 0, timestamp: 0 }])),
    tags: {},
    inputs: [],
  };
}

describe('compareRuns', () => {
  it('puts params and latest metrics side by side, keys sorted, and flags params that differ', () => {
    const comparison = compareRuns([
      run('a', { lr: '0.1', opt: 'adam', seed: '1' }, { rmse: 0.5, mae: 0.3 }),
      run('b', { lr: '0.2', opt: 'adam' }, { rmse: 0.4 }),
    ]);
    expect(comparison).toEqual({
      runs: [
        { runId: 'a', name: 'name-a', experimentId: '1' },
        { runId: 'b', name: 'name-b', experimentId: '1' },
      ],
      params: { lr: { a: '0.1', b: '0.2' }, opt: { a: 'adam', b: 'adam' }, seed: { a: '1' } },
      metrics: { mae: { a: 0.3 }, rmse: { a: 0.5, b: 0.4 } },
      differingParams: ['lr', 'seed'],
    });
    expect(Object.keys(comparison.params)).toEqual(['lr', 'opt', 'seed']);
    expect(Object.keys(comparison.metrics)).toEqual(['mae', 'rmse']);
  });

  it('compares stored runs by id through the SDK, once per id, with the latest metric values', async () => {
    const { tracking } = createTestTracking();
    const ids: string[] = [];
    for (const lr of [0.1, 0.2]) {
      await tracking.withRun({ params: { lr } }, (handle) => {
        ids.push(handle.runId);
        handle.logMetric('loss', 1, { step: 0 });
        handle.logMetric('loss', lr, { step: 1 });
      });
    }
    const comparison = await tracking.compare([...ids, ids[0] as string]);
    expect(comparison.runs.map((entry) => entry.runId)).toEqual(ids);
    expect(comparison.metrics.loss).toEqual({ [ids[0] as string]: 0.1, [ids[1] as string]: 0.2 });
    expect(comparison.differingParams).toEqual(['lr']);
    await expect(tracking.compare([])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
