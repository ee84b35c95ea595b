import { MlpError } from '@mlp/core';
import { describe, expect, it } from 'vitest';
import { createTestTracking } from './test-support/test-tracking.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('errors of background sends', () => {
  it('are thrown by the next logging call, once, naming what was lost', async () => {
    const { tracking, store } = createTestTracking({ maxBatchSize: { metrics: 2 }, flushIntervalMs: 60_000 });
    const run = await tracking.startRun();
    store.failNextBatches(new MlpError('INVALID_ARGUMENT', 'the store said no'));
    run.logMetric('m', 1);
    run.logMetric('m', 2);
    await tick();
    const error = thrownBy(() => run.logMetric('m', 3));
    expect(MlpError.isInstance(error) && error.code).toBe('INVALID_ARGUMENT');
    expect((error as Error).message).toBe(
      `Could not store 2 metric points, 0 params and 0 tags of run ${run.runId}: the store said no (they were not stored).`,
    );
    expect((error as Error).cause).toBeInstanceOf(MlpError);
    // Reported once; the run goes on.
    expect(run.logMetric('m', 4)).toBeUndefined();
    await run.end();
    expect((await tracking.metricHistory(run.runId, 'm')).map((point) => point.value)).toEqual([4]);
  });

  it('reject flush(), and a store outage keeps the values buffered for the next flush', async () => {
    const { tracking, store } = createTestTracking({ flushIntervalMs: 60_000 });
    const run = await tracking.startRun();
    run.logMetric('m', 1);
    run.logParam('p', 'x');
    store.failNextBatches(new MlpError('UNAVAILABLE', 'database restarting'), 1);
    await expect(run.flush()).rejects.toThrow(/database restarting \(they stay buffered and are sent again by the next flush\)/);
    await run.flush();
    const stored = await tracking.getRun(run.runId);
    expect(stored.params).toEqual({ p: 'x' });
    expect(stored.metrics.m?.value).toBe(1);
    await run.end();
  });

  it('map foreign errors to INTERNAL and count later failures', async () => {
    const { tracking, store } = createTestTracking({ maxBatchSize: { metrics: 1 }, flushIntervalMs: 60_000 });
    const run = await tracking.startRun();
    store.failNextBatches(new TypeError('socket hang up'), 2);
    run.logMetric('m', 1);
    run.logMetric('m', 2);
    await tick();
    await tick();
    const error = thrownBy(() => run.setTag('t', 'v'));
    expect(MlpError.isInstance(error) && error.code).toBe('INTERNAL');
    expect((error as Error).message).toMatch(
      /Could not store 1 metric point, 0 params and 0 tags .*socket hang up .* 1 later send failed too\.$/,
    );
    await run.end();
  });

  it('make end() reject after ending the run when values were lost', async () => {
    const { tracking, store } = createTestTracking({ flushIntervalMs: 60_000 });
    const run = await tracking.startRun();
    run.logMetric('lost', 1);
    store.failNextBatches(new MlpError('NOT_FOUND', 'gone'));
    await expect(run.end()).rejects.toThrow(/gone \(they were not stored\)/);
    expect(run.status).toBe('FINISHED');
    expect((await tracking.getRun(run.runId)).status).toBe('FINISHED');
  });

  it('make end() reject and leave the run open while the store is unreachable, so end() can be retried', async () => {
    const { tracking, store } = createTestTracking({ flushIntervalMs: 60_000 });
    const run = await tracking.startRun();
    run.logMetric('kept', 1);
    store.failNextBatches(new MlpError('UNAVAILABLE', 'down'));
    await expect(run.end()).rejects.toThrow(/down/);
    expect(run.status).toBe('RUNNING');
    expect((await tracking.getRun(run.runId)).status).toBe('RUNNING');
    await run.end();
    const stored = await tracking.getRun(run.runId);
    expect(stored.status).toBe('FINISHED');
    expect(stored.metrics.kept?.value).toBe(1);
  });

  it('wake callers waiting on backpressure instead of leaving them hanging; their next call throws', async () => {
    const { tracking, store } = createTestTracking({ maxBufferedPoints: 2, flushIntervalMs: 60_000 });
    const run = await tracking.startRun();
    store.failNextBatches(new MlpError('INVALID_ARGUMENT', 'rejected'));
    run.logMetric('m', 1);
    const wait = run.logMetric('m', 2);
    expect(wait).toBeInstanceOf(Promise);
    await wait;
    expect(() => run.logMetric('m', 3)).toThrow(/rejected/);
    await run.end();
  });
});
