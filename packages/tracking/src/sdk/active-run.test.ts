import { MlpError } from '@mlp/core';
import { describe, expect, it } from 'vitest';
import { createTestTracking } from './test-support/test-tracking.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return MlpError.isInstance(error) ? error.code : 'not an MlpError';
  }
  return undefined;
}

async function openRun() {
  const harness = createTestTracking({ flushIntervalMs: 60_000 });
  return { ...harness, run: await harness.tracking.startRun() };
}

describe('logging calls on a run', () => {
  it('validate at once and buffer nothing from a bad call', async () => {
    const { run, store } = await openRun();
    expect(() => run.logMetric('acc', true as unknown as number)).toThrow(
      'The value of metric "acc" must be a number, not boolean (true).',
    );
    expect(codeOf(() => run.logMetric('acc', '0.9' as unknown as number))).toBe('INVALID_ARGUMENT');
    expect(() => run.logMetric('bad,key', 1)).toThrow(/may only hold letters/);
    expect(() => run.logMetric('acc', 1, { step: 1.5 })).toThrow('The step of metric "acc" must be an integer, not 1.5.');
    expect(codeOf(() => run.logMetric('acc', 1, { timestamp: Number.NaN }))).toBe('INVALID_ARGUMENT');
    expect(() => run.logMetrics({ good: 1, bad: false as unknown as number })).toThrow(/metric "bad"/);
    expect(() => run.logParams({ ok: 1, 'a/../b': 3 })).toThrow(/param key "a\/..\/b"/);
    expect(() => run.logParam('big', 'x'.repeat(6001))).toThrow(/6001 characters; the limit is 6000/);
    expect(() => run.logParam('obj', { a: 1 } as unknown as string)).toThrow(/must be a string, number or boolean, not object/);
    expect(() => run.setTag('note', 'x'.repeat(8001))).toThrow(/the limit is 8000/);
    await run.end();
    expect(store.batches.flatMap((batch) => [...batch.metrics, ...batch.params, ...batch.tags])).toEqual([]);
  });

  it('take NaN and infinities, default the step to 0 and the timestamp to now', async () => {
    const { run, tracking } = await openRun();
    const before = Date.now();
    run.logMetric('nan', Number.NaN);
    run.logMetric('inf', Number.POSITIVE_INFINITY, { step: 2 });
    run.logMetric('ninf', Number.NEGATIVE_INFINITY, { timestamp: 1234 });
    await run.end();
    const { metrics } = await tracking.getRun(run.runId);
    expect(metrics.nan?.value).toBeNaN();
    expect(metrics.nan?.step).toBe(0);
    expect(metrics.nan?.timestamp).toBeGreaterThanOrEqual(before);
    expect(metrics.inf).toMatchObject({ value: Number.POSITIVE_INFINITY, step: 2 });
    expect(metrics.ninf).toMatchObject({ value: Number.NEGATIVE_INFINITY, timestamp: 1234, step: 0 });
  });

  it('keep params write-once: the same value again is fine and sent once, another value fails at once', async () => {
    const { run, tracking, store } = await openRun();
    run.logParam('lr', 0.1);
    run.logParam('lr', '0.1');
    expect(() => run.logParam('lr', 0.2)).toThrow(
      `Param "lr" of run ${run.runId} is already "0.1"; params are write-once, so it cannot become "0.2". Use another key, or start a new run.`,
    );
    expect(codeOf(() => run.logParams({ other: 1, lr: 0.3 }))).toBe('INVALID_ARGUMENT');
    run.logParams({ flag: true, n: 3n });
    await run.end();
    expect((await tracking.getRun(run.runId)).params).toEqual({ lr: '0.1', flag: 'true', n: '3' });
    expect(store.batches.flatMap((batch) => batch.params.map((param) => param.key))).toEqual(['lr', 'flag', 'n']);
  });

  it('refuse logging once the run has ended, and ending twice is a no-op', async () => {
    const { run } = await openRun();
    await run.end('KILLED');
    await run.end('FINISHED');
    expect(run.status).toBe('KILLED');
    expect(() => run.logMetric('m', 1)).toThrow(`Run ${run.runId} has ended (KILLED); nothing more can be logged to it. Start a new run.`);
    expect(codeOf(() => run.setTag('t', 'v'))).toBe('FAILED_PRECONDITION');
    await expect(run.logArtifact(new Uint8Array([1]), { path: 'x' })).rejects.toThrow(/has ended/);
  });

  it('refuses an unknown end status', async () => {
    const { run } = await openRun();
    await expect(run.end('RUNNING' as 'FINISHED')).rejects.toThrow(/FINISHED, FAILED or KILLED/);
    await run.end();
  });
});
