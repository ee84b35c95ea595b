import { createSilentLogger, type Logger } from '@mlp/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TrackingStore } from '../store/tracking-store.js';
import { startHeartbeat } from './heartbeat.js';
import { createTestTracking } from './test-support/test-tracking.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('heartbeat', () => {
  it('creates the run with its timeout and beats every interval until the run ends', async () => {
    vi.useFakeTimers();
    const { tracking, store } = createTestTracking({ heartbeatIntervalMs: 100, heartbeatTimeoutMs: 450 });
    const run = await tracking.startRun();
    expect(store.heartbeatTimeout(run.runId)).toBe(450);
    await vi.advanceTimersByTimeAsync(350);
    expect(store.heartbeatCount(run.runId)).toBe(3);
    await run.end();
    await vi.advanceTimersByTimeAsync(1000);
    expect(store.heartbeatCount(run.runId)).toBe(3);
  });

  it('takes its interval and timeout from the environment', async () => {
    vi.useFakeTimers();
    const env = { MLP_TRACKING_HEARTBEAT_INTERVAL_MS: '50', MLP_TRACKING_HEARTBEAT_TIMEOUT_MS: '120' };
    const { tracking, store } = createTestTracking({ env });
    const run = await tracking.startRun();
    expect(store.heartbeatTimeout(run.runId)).toBe(120);
    await vi.advanceTimersByTimeAsync(100);
    expect(store.heartbeatCount(run.runId)).toBe(2);
    await run.end();
  });

  it('skips a beat while the previous one is in flight, and warns once per outage', async () => {
    vi.useFakeTimers();
    let calls = 0;
    let finish: (error?: Error) => void = () => {};
    const store = {
      heartbeat: () => {
        calls++;
        return new Promise<void>((resolve, reject) => {
          finish = (error) => (error ? reject(error) : resolve());
        });
      },
    } as unknown as TrackingStore;
    const warn = vi.fn();
    const logger: Logger = { ...createSilentLogger(), warn };
    const beat = startHeartbeat(store, 'r1', 10, logger);
    await vi.advanceTimersByTimeAsync(50);
    expect(calls).toBe(1);
    finish(new Error('db down'));
    await vi.advanceTimersByTimeAsync(10);
    finish(new Error('db down'));
    await vi.advanceTimersByTimeAsync(10);
    expect(calls).toBe(3);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]?.[1]).toMatch(/Heartbeat of run r1 failed/);
    beat.stop();
    finish();
    await vi.advanceTimersByTimeAsync(100);
    expect(calls).toBe(3);
  });
});
