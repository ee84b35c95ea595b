import { describe, expect, it } from 'vitest';
import type { LogBatchInput } from '../store/tracking-store.js';
import { createMemoryTrackingStore } from './test-support/memory-tracking-store.js';
import { createTestTracking } from './test-support/test-tracking.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('backpressure', () => {
  it('returns undefined below the bound, then a promise that resolves once a send makes room', async () => {
    const { tracking, store } = createTestTracking({ maxBufferedPoints: 10, maxBatchSize: { metrics: 5 }, flushIntervalMs: 60_000 });
    const run = await tracking.startRun();
    const release = store.holdBatches();
    let logged = 0;
    let wait: Promise<void> | undefined;
    // Bounded, so a run without backpressure fails here instead of looping forever.
    while (wait === undefined && logged < 1000) wait = run.logMetric('m', logged, { step: logged++ });
    if (wait === undefined) throw new Error('logMetric never applied backpressure');
    // A full batch is in flight (held by the store) and the buffer is at the bound.
    expect(logged).toBe(15);
    let resolved = false;
    void wait.then(() => {
      resolved = true;
    });
    await tick();
    expect(resolved).toBe(false);
    // Further calls while over the bound share the same promise: no allocation per call.
    expect(run.logMetric('m', 15, { step: 15 })).toBe(wait);
    release();
    await wait;
    expect(resolved).toBe(true);
    await run.end();
    expect((await tracking.metricHistory(run.runId, 'm')).map((point) => point.step)).toEqual([...Array(16).keys()]);
  });

  it('keeps an awaiting logger within the bound of buffered points, whatever the store speed', async () => {
    const store = createMemoryTrackingStore();
    let logged = 0;
    let stored = 0;
    let worstBacklog = 0;
    const slow: typeof store = Object.create(store);
    slow.logBatch = async (runId: string, batch: LogBatchInput) => {
      worstBacklog = Math.max(worstBacklog, logged - stored);
      await new Promise((resolve) => setTimeout(resolve, 2));
      await store.logBatch(runId, batch);
      stored += batch.metrics?.length ?? 0;
    };
    const { tracking } = createTestTracking({ store: slow, maxBufferedPoints: 50, maxBatchSize: { metrics: 20 } });
    const run = await tracking.startRun();
    for (let step = 0; step < 1000; step++) {
      logged++;
      await run.logMetric('m', step, { step });
    }
    await run.end();
    expect(stored).toBe(1000);
    // The queue holds at most the bound, plus the batch in flight.
    expect(worstBacklog).toBeLessThanOrEqual(50 + 20);
  });

  it('never loses points from callers that do not await', async () => {
    const { tracking, store } = createTestTracking({ maxBufferedPoints: 10, maxBatchSize: { metrics: 4 } });
    const run = await tracking.startRun();
    const release = store.holdBatches();
    for (let step = 0; step < 500; step++) run.logMetric('m', step, { step });
    release();
    await run.end();
    expect(await tracking.metricHistory(run.runId, 'm')).toHaveLength(500);
  });

  it('sends at once when the bound is smaller than a batch, instead of waiting for the timer', async () => {
    const { tracking, store } = createTestTracking({ maxBufferedPoints: 3, flushIntervalMs: 60_000 });
    const run = await tracking.startRun();
    run.logMetric('m', 1);
    run.logMetric('m', 2);
    const wait = run.logMetric('m', 3);
    expect(wait).toBeInstanceOf(Promise);
    await wait;
    expect(store.batches.flatMap((batch) => batch.metrics)).toHaveLength(3);
    await run.end();
  });
});
