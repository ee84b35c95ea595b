import { openTestWorkspace, type TestWorkspace } from '@mlp/core/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTracking } from './create-tracking.js';
import { createStepTracking } from './step-tracking.js';

let test: TestWorkspace;
beforeAll(async () => {
  test = await openTestWorkspace('postgres', 'mlp-step-tracking-');
});
afterAll(async () => {
  await test?.cleanup();
});

it('starts a run in the experiment it is given, with its tags, and ends it with the status given', async () => {
  const provider = createStepTracking(test.workspace);
  const tags = { 'mlp.pipeline.name': 'nightly', 'mlp.pipeline.run_id': 'r-1', 'mlp.pipeline.task_id': 'r-1:train' };
  const started = await provider.start({ experiment: 'nightly', name: 'train', tags });
  started.run.logParams({ rows: 100 });
  await started.run.logMetrics({ auc: 0.75 });
  started.run.setTags({ note: 'from a step' });
  await started.end('FINISHED');
  const failed = await provider.start({ experiment: 'nightly', name: 'score[2]', tags });
  await failed.end('FAILED');

  const tracking = createTracking(test.workspace);
  try {
    const run = await tracking.getRun(started.run.runId);
    expect(run.status).toBe('FINISHED');
    expect(run.name).toBe('train');
    expect(run.params).toEqual({ rows: '100' });
    expect(run.metrics.auc?.value).toBe(0.75);
    expect(run.tags).toMatchObject({ ...tags, note: 'from a step' });
    const other = await tracking.getRun(failed.run.runId);
    expect(other.status).toBe('FAILED');
    expect(other.experimentId).toBe(run.experimentId);
    const inExperiment = await tracking.searchRuns({ experimentIds: [run.experimentId] });
    expect(inExperiment.items.map((r) => r.runId).sort()).toEqual([run.runId, other.runId].sort());
  } finally {
    await tracking.close();
  }
});
