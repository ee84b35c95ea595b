import { describe, expect, it } from 'vitest';
import { systemTags } from '../model.js';
import { createTestTracking } from './test-support/test-tracking.js';

describe('how a run ends', () => {
  it('withRun ends FINISHED and returns what the function returns', async () => {
    const { tracking } = createTestTracking();
    let runId = '';
    const result = await tracking.withRun({ name: 'ok' }, async (run) => {
      runId = run.runId;
      run.logMetric('m', 1);
      return 42;
    });
    expect(result).toBe(42);
    const run = await tracking.getRun(runId);
    expect(run.status).toBe('FINISHED');
    expect(run.endTime).toEqual(expect.any(Number));
    expect(run.metrics.m?.value).toBe(1);
  });

  it('withRun ends FAILED with the reason tag, and rethrows the error itself', async () => {
    const { tracking } = createTestTracking();
    const boom = new RangeError('diverged at step 7');
    let runId = '';
    await expect(
      tracking.withRun({}, (run) => {
        runId = run.runId;
        run.logMetric('loss', Number.NaN);
        throw boom;
      }),
    ).rejects.toBe(boom);
    const run = await tracking.getRun(runId);
    expect(run.status).toBe('FAILED');
    expect(run.tags[systemTags.failureReason]).toBe('RangeError: diverged at step 7');
    expect(run.metrics.loss?.value).toBeNaN();
  });

  it('await using ends FINISHED, even when an exception escapes: disposal cannot see it', async () => {
    const { tracking } = createTestTracking();
    let runId = '';
    await expect(
      (async () => {
        await using run = await tracking.startRun();
        runId = run.runId;
        throw new Error('escaped');
      })(),
    ).rejects.toThrow('escaped');
    expect((await tracking.getRun(runId)).status).toBe('FINISHED');
  });

  it('await using ends FAILED once run.fail(error) was called', async () => {
    const { tracking } = createTestTracking();
    let runId = '';
    try {
      await using run = await tracking.startRun();
      runId = run.runId;
      try {
        throw new Error('out of memory');
      } catch (error) {
        run.fail(error);
      }
    } finally {
      const stored = await tracking.getRun(runId);
      expect(stored.status).toBe('FAILED');
      expect(stored.tags[systemTags.failureReason]).toBe('Error: out of memory');
    }
  });

  it('an explicit end() inside withRun wins, and the run is not ended twice', async () => {
    const { tracking } = createTestTracking();
    let runId = '';
    await tracking.withRun({}, async (run) => {
      runId = run.runId;
      await run.end('KILLED');
    });
    expect((await tracking.getRun(runId)).status).toBe('KILLED');
  });
});
