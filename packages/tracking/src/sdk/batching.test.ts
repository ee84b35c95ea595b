import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTestTracking } from './test-support/test-tracking.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

afterEach(() => {
  vi.useRealTimers();
});

describe('batching of buffered values', () => {
  it('sends a full batch of metric points as soon as it is queued, and the rest only on flush', async () => {
    const { tracking, store } = createTestTracking({ maxBatchSize: { metrics: 3 }, flushIntervalMs: 60_000 });
    const run = await tracking.startRun();
    for (let step = 0; step < 7; step++) run.logMetric('loss', step, { step });
    await tick();
    expect(store.batches.map((batch) => batch.metrics.length)).toEqual([3, 3]);
    await run.flush();
    expect(store.batches.map((batch) => batch.metrics.length)).toEqual([3, 3, 1]);
    expect((await tracking.metricHistory(run.runId, 'loss')).map((point) => point.step)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    await run.end();
  });

  it('sends what is buffered after flushIntervalMs, not before', async () => {
    vi.useFakeTimers();
    const { tracking, store } = createTestTracking({ flushIntervalMs: 1000 });
    const run = await tracking.startRun();
    run.logMetric('acc', 0.5);
    run.setTag('phase', 'warmup');
    await vi.advanceTimersByTimeAsync(999);
    expect(store.batches).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(store.batches).toHaveLength(1);
    expect(store.batches[0]).toMatchObject({ metrics: [{ key: 'acc', value: 0.5, step: 0 }], tags: [{ key: 'phase', value: 'warmup' }] });
    await run.end();
  });

  it("splits into batches within MLflow's limits by default: 1000 points at most", async () => {
    const { tracking, store } = createTestTracking();
    const run = await tracking.startRun();
    for (let i = 0; i < 2500; i++) run.logMetric('m', i, { step: i });
    await run.flush();
    expect(store.batches.map((batch) => batch.metrics.length)).toEqual([1000, 1000, 500]);
    await run.end();
  });

  it('keeps every batch within each configured limit, with params in batches of their own', async () => {
    const limits = { metrics: 5, params: 2, tags: 2, total: 6 };
    const { tracking, store } = createTestTracking({ maxBatchSize: limits, flushIntervalMs: 60_000 });
    const run = await tracking.startRun();
    run.logParams({ a: 1, b: 2, c: 3 });
    for (let i = 0; i < 5; i++) run.setTag(`t${i}`, i);
    for (let i = 0; i < 12; i++) run.logMetric('m', i, { step: i });
    await run.flush();
    for (const batch of store.batches) {
      expect(batch.metrics.length).toBeLessThanOrEqual(limits.metrics);
      expect(batch.params.length).toBeLessThanOrEqual(limits.params);
      expect(batch.tags.length).toBeLessThanOrEqual(limits.tags);
      expect(batch.metrics.length + batch.params.length + batch.tags.length).toBeLessThanOrEqual(limits.total);
      if (batch.params.length > 0) expect(batch.metrics.length + batch.tags.length).toBe(0);
    }
    const stored = await tracking.getRun(run.runId);
    expect(stored.params).toEqual({ a: '1', b: '2', c: '3' });
    expect(stored.tags).toMatchObject({ t0: '0', t1: '1', t2: '2', t3: '3', t4: '4' });
    expect((await tracking.metricHistory(run.runId, 'm')).map((point) => point.value)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    await run.end();
  });

  it('sends a tag set twice before a flush once, with its last value', async () => {
    const { tracking, store } = createTestTracking({ flushIntervalMs: 60_000 });
    const run = await tracking.startRun();
    run.setTag('stage', 'a');
    run.setTag('stage', 'b');
    await run.flush();
    expect(store.batches.flatMap((batch) => batch.tags)).toEqual([{ key: 'stage', value: 'b' }]);
    await run.end();
  });

  it('sends nothing when nothing is buffered', async () => {
    const { tracking, store } = createTestTracking();
    const run = await tracking.startRun();
    await run.flush();
    await run.end();
    expect(store.batches).toHaveLength(0);
  });

  it('flushes what is buffered when the run ends', async () => {
    const { tracking, store } = createTestTracking({ flushIntervalMs: 60_000 });
    const run = await tracking.startRun();
    run.logMetrics({ a: 1, b: 2 }, { step: 3 });
    await run.end();
    expect(store.batches.flatMap((batch) => batch.metrics.map((m) => `${m.key}@${m.step}=${m.value}`))).toEqual(['a@3=1', 'b@3=2']);
    expect((await tracking.getRun(run.runId)).status).toBe('FINISHED');
  });
});
