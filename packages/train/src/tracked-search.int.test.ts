import path from 'node:path';
import type { Run } from '@mlp/tracking';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrainSpecInput } from './spec/train-spec.js';
import { openTrainFixture, type TrainFixture, writeFlightsLikeCsv } from './test-support/train-fixture.js';
import { train } from './train.js';
import { searchTags } from './trial-history.js';

let fx: TrainFixture;
let csv: string;
beforeAll(async () => {
  fx = await openTrainFixture();
  csv = path.join(fx.dir, 'flights.csv');
  await writeFlightsLikeCsv(csv, 2000);
});
afterAll(async () => {
  await fx?.cleanup();
});

const searchSpec = (search: Record<string, unknown>): TrainSpecInput => ({
  experiment: 'search-int',
  data: csv,
  target: 'late',
  features: [{ name: 'date', type: 'date', parts: ['hour'] }, 'distance', { name: 'origin', type: 'categorical' }],
  model: { type: 'mlp', hiddenUnits: [8] },
  epochs: 4,
  batchSize: 128,
  backend: 'cpu',
  seed: 11,
  tags: { 'mlp.validation.success': 'true' },
  search: { metric: 'val_auc', direction: 'maximize', ...search } as never,
});

async function childrenOf(parentRunId: string): Promise<Run[]> {
  const parent = await fx.tracking.getRun(parentRunId);
  const page = await fx.tracking.searchRuns({
    experimentIds: [parent.experimentId],
    filter: `tags.\`mlflow.parentRunId\` = '${parentRunId}'`,
    maxResults: 1000,
  });
  return page.items;
}

describe('a tracked search', () => {
  it('runs every trial as a child run in parallel workers; the best trial and its package land on the parent', async () => {
    const space = {
      'optimizer.learningRate': { type: 'categorical', choices: [0.001, 0.01, 0.05] },
      'model.hiddenUnits': { type: 'categorical', choices: [[4], [16]] },
    };
    const result = await train(searchSpec({ sampler: 'grid', space, parallel: 2 }), {
      tracking: fx.tracking,
      outDir: path.join(fx.dir, 'grid'),
    });
    expect(result.trials).toHaveLength(6);
    expect(result.trials.every((trial) => trial.status === 'FINISHED')).toBe(true);
    // The grid is covered exactly once.
    const grid = result.trials.map((trial) => JSON.stringify(trial.params)).sort();
    expect(new Set(grid).size).toBe(6);

    const children = await childrenOf(result.parentRunId as string);
    expect(children).toHaveLength(6);
    for (const child of children) {
      expect(child.status).toBe('FINISHED');
      expect(child.tags[searchTags.status]).toBe('FINISHED');
      expect(child.tags['mlp.validation.success']).toBe('true');
      expect((await fx.tracking.metricHistory(child.runId, 'val_auc')).length).toBe(4);
    }
    const bestAuc = Math.max(...result.trials.map((trial) => trial.metrics.val_auc as number));
    expect(result.bestMetrics.val_auc).toBe(bestAuc);
    const parent = await fx.tracking.getRun(result.parentRunId as string);
    expect(parent.status).toBe('FINISHED');
    expect(parent.tags[searchTags.best]).toBe(result.bestRunId);
    expect(parent.metrics.best_val_auc?.value).toBe(bestAuc);
    expect((await fx.tracking.listArtifacts(parent.runId, 'model')).map((file) => file.path)).toContain('model/model.onnx');
  });

  it('runs trials in child processes too, with TPE', async () => {
    const space = { 'optimizer.learningRate': { type: 'float', low: 0.001, high: 0.05, log: true } };
    const result = await train(searchSpec({ sampler: 'tpe', trials: 3, parallel: 2, workers: 'processes', space }), {
      tracking: fx.tracking,
      outDir: path.join(fx.dir, 'processes'),
    });
    expect(result.trials.map((trial) => trial.status)).toEqual(['FINISHED', 'FINISHED', 'FINISHED']);
    expect(result.bestMetrics.val_auc).toBe(Math.max(...result.trials.map((trial) => trial.metrics.val_auc as number)));
  });

  it('records a trial whose loss becomes NaN as FAILED with the reason, and goes on', async () => {
    // A regression of the delay in minutes: plain SGD at a learning rate of 10 diverges, 0.001 trains.
    const space = { 'optimizer.learningRate': { type: 'categorical', choices: [0.001, 10] } };
    const spec = {
      ...searchSpec({ sampler: 'grid', space, parallel: 2, metric: 'val_rmse', direction: 'minimize' }),
      target: 'delay',
      optimizer: { name: 'sgd' },
      model: { type: 'mlp', hiddenUnits: [32, 32] },
    } as TrainSpecInput;
    const result = await train(spec, { tracking: fx.tracking, outDir: path.join(fx.dir, 'nan') });
    const failed = result.trials.find((trial) => trial.params['optimizer.learningRate'] === 10);
    expect(failed?.status).toBe('FAILED');
    expect(failed?.error).toMatch(/loss became (NaN|infinite)/);
    const run = await fx.tracking.getRun(failed?.runId as string);
    expect(run.status).toBe('FAILED');
    expect(run.tags['mlp.failure_reason']).toMatch(/loss became (NaN|infinite)/);
    expect(result.trials.find((trial) => trial.params['optimizer.learningRate'] === 0.001)?.status).toBe('FINISHED');
  });

  it('resumes an interrupted search where it stopped: finished trials are kept, the rest run, none twice', async () => {
    const space = { 'optimizer.learningRate': { type: 'float', low: 0.001, high: 0.05, log: true } };
    const spec = searchSpec({ sampler: 'random', trials: 6, parallel: 1, space });
    const controller = new AbortController();
    let finished = 0;
    let parentRunId = '';
    const interrupted = await train(spec, {
      tracking: fx.tracking,
      outDir: path.join(fx.dir, 'resume'),
      signal: controller.signal,
      onProgress(message) {
        parentRunId = /^search (\S+) started/.exec(message)?.[1] ?? parentRunId;
        if (/^trial \d+ FINISHED/.test(message) && ++finished === 2) controller.abort();
      },
    }).catch((error: unknown) => error);
    expect(interrupted).toMatchObject({ code: 'UNAVAILABLE' });
    expect((interrupted as Error).message).toContain(`resume ${parentRunId}`);
    const before = await childrenOf(parentRunId);
    const finishedBefore = before.filter((run) => run.tags[searchTags.status] === 'FINISHED');
    expect(finishedBefore.length).toBeGreaterThanOrEqual(2);
    expect(finishedBefore.length).toBeLessThan(6);

    const resumed = await train(spec, { tracking: fx.tracking, outDir: path.join(fx.dir, 'resume'), resume: parentRunId });
    expect(resumed.parentRunId).toBe(parentRunId);
    expect(resumed.trials.map((trial) => trial.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(resumed.trials.every((trial) => trial.status === 'FINISHED')).toBe(true);
    const after = await childrenOf(parentRunId);
    const finishedAfter = after.filter((run) => run.tags[searchTags.status] === 'FINISHED');
    // Each index finished once; trials finished before the interruption were not run again.
    expect(finishedAfter.map((run) => Number(run.tags[searchTags.index])).sort()).toEqual([0, 1, 2, 3, 4, 5]);
    for (const run of finishedBefore) expect(finishedAfter.find((other) => other.runId === run.runId)).toBeDefined();
    // The same params as an uninterrupted search would have drawn, index by index.
    const fresh = await train(spec, { tracking: fx.tracking, outDir: path.join(fx.dir, 'fresh') });
    expect(resumed.trials.map((trial) => trial.params)).toEqual(fresh.trials.map((trial) => trial.params));
    expect((await fx.tracking.getRun(parentRunId)).status).toBe('FINISHED');

    const other = await train(
      { ...spec, epochs: 3 },
      { tracking: fx.tracking, outDir: path.join(fx.dir, 'other'), resume: parentRunId },
    ).catch((error: unknown) => error);
    expect(other).toMatchObject({ code: 'FAILED_PRECONDITION' });
  });
});
