import { createServer } from 'node:net';
import { MlpError } from '@mlp/core';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { runOnlineStoreContract } from '../testing/online-store-contract.js';
import type { OnlineView } from './online-view.js';
import { openRedisOnlineStore } from './redis-online-store.js';
import { testRedisPrefix, testRedisUrl } from './test-support/test-redis.js';

const keys = testRedisPrefix('online');
afterAll(() => keys.drop());

runOnlineStoreContract('redis', async () => ({ store: await openRedisOnlineStore({ url: testRedisUrl(), keyPrefix: keys.prefix }) }));

const view: OnlineView = {
  name: 'layout_probe',
  joinKeys: [{ name: 'id', type: 'int64' }],
  features: [{ name: 'x', type: 'float64' }],
  ttlMs: 3_600_000,
};

describe('the Redis online store', () => {
  it('keeps one packed string per entity, under its prefix, expiring when the TTL passes', async () => {
    const store = await openRedisOnlineStore({ url: testRedisUrl(), keyPrefix: keys.prefix });
    const redis = new Redis(testRedisUrl());
    try {
      const eventTs = Date.now() - 1000;
      await store.write(view, [{ key: [42], eventTs, values: [0.5] }]);
      const key = `${keys.prefix}v:layout_probe:42`;
      expect(await redis.type(key)).toBe('string');
      expect(await redis.get(key)).toMatch(new RegExp(`^${eventTs}:[0-9a-f]{12}:\\[0\\.5\\]$`));
      expect(await redis.pexpiretime(key)).toBe(eventTs + 3_600_000);
    } finally {
      redis.disconnect();
      await store.close();
    }
  });

  it('says UNAVAILABLE, naming the URL and what to do, when nothing listens at it', async () => {
    // A port that was free a moment ago and is closed now: connections to it are refused.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const store = await openRedisOnlineStore({ url: `redis://:secret@127.0.0.1:${port}`, keyPrefix: keys.prefix });
    try {
      for (const attempt of [
        store.read(view, [[1]]),
        store.write(view, [{ key: [1], eventTs: Date.now(), values: [1] }]),
        store.getWatermark('layout_probe'),
      ]) {
        const error = await attempt.then(
          () => undefined,
          (thrown: unknown) => thrown,
        );
        expect(MlpError.isInstance(error)).toBe(true);
        expect((error as MlpError).code).toBe('UNAVAILABLE');
        expect((error as MlpError).message).toContain(`127.0.0.1:${port}`);
        expect((error as MlpError).message).toContain('MLP_FEATURES_ONLINE_URL');
        expect((error as MlpError).message).not.toContain('secret');
      }
    } finally {
      await store.close();
    }
  });
});
