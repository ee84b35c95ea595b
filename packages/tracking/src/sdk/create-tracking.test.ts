import { MlpError } from '@mlp/core';
import { describe, expect, it } from 'vitest';
import { systemTags } from '../model.js';
import { createTracking } from './create-tracking.js';
import { createMemoryTrackingStore } from './test-support/memory-tracking-store.js';
import { createTestTracking, createTestWorkspace } from './test-support/test-tracking.js';

describe('createTracking', () => {
  it("starts runs in the 'Default' experiment, creating it once", async () => {
    const { tracking, store } = createTestTracking();
    const first = await tracking.startRun();
    const second = await tracking.startRun();
    expect(first.experimentId).toBe(second.experimentId);
    expect((await store.getExperiment(first.experimentId)).name).toBe('Default');
    expect((await store.searchExperiments()).items).toHaveLength(1);
    await Promise.all([first.end(), second.end()]);
  });

  it('finds the experiment by name, then by id, and creates an unknown name', async () => {
    const { tracking, store } = createTestTracking();
    const existing = await store.createExperiment({ name: 'churn' });
    const byName = await tracking.startRun({ experiment: 'churn' });
    const byId = await tracking.startRun({ experiment: existing.experimentId });
    const created = await tracking.startRun({ experiment: 'new-one' });
    expect(byName.experimentId).toBe(existing.experimentId);
    expect(byId.experimentId).toBe(existing.experimentId);
    expect((await store.getExperiment(created.experimentId)).name).toBe('new-one');
    for (const run of [byName, byId, created]) await run.end();
  });

  it('refuses what MLflow would refuse before creating anything: long run names, NUL, lone surrogates', async () => {
    const { tracking, store } = createTestTracking();
    const refused = async (options: Parameters<typeof tracking.startRun>[0]) => {
      const error = await tracking.startRun(options).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(MlpError.isInstance(error) && error.code).toBe('INVALID_ARGUMENT');
      return (error as MlpError).message;
    };
    expect(await refused({ name: 'n'.repeat(251) })).toMatch(/limit is 250/);
    expect(await refused({ tags: { note: 'a\u0000b' } })).toMatch(/NUL/);
    expect(await refused({ params: { lr: '\ud800' } })).toMatch(/surrogate/);
    expect(await refused({ experiment: 'e\u0000' })).toMatch(/experiment name .*NUL/);
    expect(await refused({ experiment: 'e'.repeat(501) })).toMatch(/limit is 500/);
    expect((await store.searchExperiments()).items).toEqual([]);
  });

  it('uses the experiment another process created in the meantime', async () => {
    const store = createMemoryTrackingStore();
    const racing: typeof store = Object.create(store);
    racing.createExperiment = async (input) => {
      await store.createExperiment(input);
      throw new MlpError('ALREADY_EXISTS', 'taken');
    };
    const tracking = createTracking(createTestWorkspace(), { store: racing, captureProvenance: false, handleSignals: false, env: {} });
    const run = await tracking.startRun({ experiment: 'shared' });
    expect((await store.getExperiment(run.experimentId)).name).toBe('shared');
    await run.end();
  });

  it('creates the run with its name, params, tags, parent and dataset inputs', async () => {
    const { tracking } = createTestTracking();
    const parent = await tracking.startRun({ name: 'search' });
    const inputs = [{ name: 'train', digest: 'abc123', sourceType: 'dvc', source: 'data/train.csv', context: 'training' }];
    const child = await tracking.startRun({ name: 'trial-1', parent, params: { lr: 0.01, layers: 3 }, tags: { team: 'ml' }, inputs });
    const byId = await tracking.startRun({ parent: parent.runId });
    const run = await tracking.getRun(child.runId);
    expect(run).toMatchObject({
      name: 'trial-1',
      parentRunId: parent.runId,
      params: { lr: '0.01', layers: '3' },
      tags: { team: 'ml', [systemTags.runName]: 'trial-1', [systemTags.parentRunId]: parent.runId },
      inputs,
    });
    expect((await tracking.getRun(byId.runId)).parentRunId).toBe(parent.runId);
    for (const handle of [child, byId, parent]) await handle.end();
  });

  it('resumes an ended run: RUNNING again, logging to the same run, until it ends once more', async () => {
    const { tracking } = createTestTracking();
    const first = await tracking.startRun({ name: 'search' });
    first.logMetric('trials', 1, { step: 1 });
    await first.end('FAILED');
    const resumed = await tracking.resumeRun(first.runId);
    expect(resumed.runId).toBe(first.runId);
    expect((await tracking.getRun(first.runId)).status).toBe('RUNNING');
    resumed.logMetric('trials', 2, { step: 2 });
    await resumed.end();
    const run = await tracking.getRun(first.runId);
    expect(run.status).toBe('FINISHED');
    expect((await tracking.metricHistory(first.runId, 'trials')).map((point) => point.value)).toEqual([1, 2]);
  });

  it('refuses to resume a deleted run or an unknown one', async () => {
    const { tracking, store } = createTestTracking();
    const run = await tracking.startRun();
    await run.end();
    await store.deleteRun(run.runId);
    await expect(tracking.resumeRun(run.runId)).rejects.toMatchObject({ code: 'FAILED_PRECONDITION' });
    await expect(tracking.resumeRun('nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('creates no run when the start options are invalid', async () => {
    const { tracking, store } = createTestTracking();
    await expect(tracking.startRun({ params: { 'bad key!': 1 } })).rejects.toThrow(/param key/);
    await expect(tracking.startRun({ tags: { ok: 'x'.repeat(8001) } })).rejects.toThrow(/the limit is 8000/);
    expect((await store.searchExperiments()).items).toHaveLength(0);
  });

  it('ends the run FAILED when it cannot be set up', async () => {
    const { tracking, store } = createTestTracking();
    const failing: typeof store = Object.create(store);
    failing.logInputs = async () => {
      throw new MlpError('INVALID_ARGUMENT', 'bad dataset');
    };
    const strict = createTracking(createTestWorkspace(), { store: failing, captureProvenance: false, handleSignals: false, env: {} });
    await expect(strict.startRun({ inputs: [{ name: 'd', digest: 'x', sourceType: 't', source: 's' }] })).rejects.toThrow('bad dataset');
    const experiment = await store.getExperimentByName('Default');
    const { items } = await tracking.searchRuns({ experimentIds: [experiment?.experimentId ?? ''] });
    expect(items.map((run) => run.status)).toEqual(['FAILED']);
  });

  it('reads a metric history across all its pages', async () => {
    const { tracking } = createTestTracking();
    const run = await tracking.startRun();
    for (let step = 0; step < 2500; step++) run.logMetric('loss', 1 / (step + 1), { step });
    await run.end();
    const history = await tracking.metricHistory(run.runId, 'loss');
    expect(history).toHaveLength(2500);
    expect(history[2499]).toMatchObject({ step: 2499, value: 1 / 2500 });
  });

  it('passes runs and searches through to the store', async () => {
    const { tracking } = createTestTracking();
    const run = await tracking.startRun({ experiment: 'e' });
    await run.end();
    expect((await tracking.getRun(run.runId)).runId).toBe(run.runId);
    expect((await tracking.searchRuns({ experimentIds: [run.experimentId] })).items.map((found) => found.runId)).toEqual([run.runId]);
    await expect(tracking.getRun('missing')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('rejects bad options when created, not at the first run', () => {
    expect(() => createTracking(createTestWorkspace(), { store: createMemoryTrackingStore(), flushIntervalMs: -1 })).toThrow(
      /flushIntervalMs/,
    );
  });
});
