import { describe, expect, it } from 'vitest';
import { createTestTracking } from './test-support/test-tracking.js';

type Listener = (...args: unknown[]) => void;

function counts() {
  return {
    SIGINT: process.listenerCount('SIGINT'),
    SIGTERM: process.listenerCount('SIGTERM'),
    beforeExit: process.listenerCount('beforeExit'),
  };
}

/** The beforeExit listener this SDK added, found as the difference to a snapshot taken before. */
function addedListener(before: unknown[]): Listener {
  const added = process.listeners('beforeExit').filter((listener) => !before.includes(listener));
  expect(added).toHaveLength(1);
  return added[0] as Listener;
}

describe('process hooks', () => {
  it('are installed once while runs are active and removed with the last one', async () => {
    const before = counts();
    const { tracking } = createTestTracking({ handleSignals: true });
    const first = await tracking.startRun();
    const second = await tracking.startRun();
    expect(counts()).toEqual({ SIGINT: before.SIGINT + 1, SIGTERM: before.SIGTERM + 1, beforeExit: before.beforeExit + 1 });
    await first.end();
    expect(counts().SIGTERM).toBe(before.SIGTERM + 1);
    await second.end();
    expect(counts()).toEqual(before);
  });

  it('leave SIGINT and SIGTERM alone with handleSignals: false, but still end runs the process forgot', async () => {
    const before = counts();
    const beforeExitListeners = process.listeners('beforeExit');
    const { tracking } = createTestTracking({ handleSignals: false, flushIntervalMs: 60_000 });
    const run = await tracking.startRun();
    run.logMetric('m', 1);
    expect(counts()).toEqual({ ...before, beforeExit: before.beforeExit + 1 });
    addedListener(beforeExitListeners)(0);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const stored = await tracking.getRun(run.runId);
    expect(stored.status).toBe('FINISHED');
    expect(stored.metrics.m?.value).toBe(1);
    expect(counts()).toEqual(before);
  });

  it('on SIGTERM flush every active run and end it KILLED, leaving the exit to other listeners when there are some', async () => {
    const before = counts();
    const sigtermListeners = process.listeners('SIGTERM');
    // Another listener owns the process's fate: the SDK must not re-raise the signal (that would kill this test worker).
    const appListener = () => {};
    process.on('SIGTERM', appListener);
    try {
      const { tracking } = createTestTracking({ handleSignals: true, flushIntervalMs: 60_000 });
      const runs = [await tracking.startRun(), await tracking.startRun()];
      for (const [index, run] of runs.entries()) run.logMetric('m', index);
      const ours = process.listeners('SIGTERM').filter((listener) => listener !== appListener && !sigtermListeners.includes(listener));
      expect(ours).toHaveLength(1);
      (ours[0] as Listener)('SIGTERM');
      // A second signal would find Node's default behaviour: the hook is gone at once.
      expect(process.listenerCount('SIGTERM')).toBe(before.SIGTERM + 1);
      await new Promise((resolve) => setTimeout(resolve, 20));
      for (const [index, run] of runs.entries()) {
        const stored = await tracking.getRun(run.runId);
        expect(stored.status).toBe('KILLED');
        expect(stored.metrics.m?.value).toBe(index);
      }
    } finally {
      process.off('SIGTERM', appListener);
    }
    expect(counts()).toEqual(before);
  });
});
