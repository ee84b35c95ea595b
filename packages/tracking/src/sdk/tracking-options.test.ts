import { describe, expect, it } from 'vitest';
import { effectiveBatchLimits, resolveTrackingOptions } from './tracking-options.js';

describe('resolveTrackingOptions', () => {
  it("defaults to a 1 s flush, the store's batch limits, 100,000 buffered points and a 10 s / 60 s heartbeat", () => {
    expect(resolveTrackingOptions({ env: {} })).toEqual({
      flushIntervalMs: 1000,
      batch: {},
      maxBufferedPoints: 100_000,
      heartbeatIntervalMs: 10_000,
      heartbeatTimeoutMs: 60_000,
      captureProvenance: true,
      handleSignals: true,
    });
  });

  it('takes the heartbeat from the environment, and explicit options over it', () => {
    const env = { MLP_TRACKING_HEARTBEAT_INTERVAL_MS: '500', MLP_TRACKING_HEARTBEAT_TIMEOUT_MS: '2000' };
    expect(resolveTrackingOptions({ env })).toMatchObject({ heartbeatIntervalMs: 500, heartbeatTimeoutMs: 2000 });
    expect(resolveTrackingOptions({ env, heartbeatTimeoutMs: 3000 })).toMatchObject({ heartbeatIntervalMs: 500, heartbeatTimeoutMs: 3000 });
  });

  it.each(['abc', '-5', '0', '1.5', '10s'])('rejects %j in the environment, naming the variable', (raw) => {
    expect(() => resolveTrackingOptions({ env: { MLP_TRACKING_HEARTBEAT_TIMEOUT_MS: raw } })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('MLP_TRACKING_HEARTBEAT_TIMEOUT_MS') }),
    );
  });

  it('refuses a timeout that is not longer than the interval', () => {
    expect(() => resolveTrackingOptions({ env: {}, heartbeatIntervalMs: 1000, heartbeatTimeoutMs: 1000 })).toThrow(
      /must be longer than the heartbeat interval/,
    );
  });

  it("takes smaller batches, capped by the store's limits", () => {
    const requested = resolveTrackingOptions({ env: {}, maxBatchSize: { metrics: 10, params: 500 } }).batch;
    expect(requested).toEqual({ metrics: 10, params: 500 });
    expect(effectiveBatchLimits(requested, { metrics: 1000, params: 100, tags: 100, total: 1000 })).toEqual({
      metrics: 10,
      params: 100,
      tags: 100,
      total: 1000,
    });
    expect(() => resolveTrackingOptions({ env: {}, maxBatchSize: { params: 0 } })).toThrow(/maxBatchSize.params must be an integer/);
    expect(() => resolveTrackingOptions({ env: {}, flushIntervalMs: 0 })).toThrow(/flushIntervalMs/);
  });
});
