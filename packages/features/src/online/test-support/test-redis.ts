import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

/** The Redis server integration tests use: `MLP_TEST_REDIS_URL`, or the local one on 6379. */
export function testRedisUrl(): string {
  return process.env.MLP_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
}

/** A key prefix of this test file's own, and a way to remove every key under it afterwards. */
export function testRedisPrefix(label: string): { prefix: string; drop(): Promise<void> } {
  const prefix = `mlp-test:${label}:${Date.now().toString(36)}${randomBytes(3).toString('hex')}:`;
  return {
    prefix,
    async drop() {
      const redis = new Redis(testRedisUrl(), { lazyConnect: true, maxRetriesPerRequest: 1 });
      try {
        await redis.connect();
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
          if (keys.length > 0) await redis.unlink(...keys);
          cursor = next;
        } while (cursor !== '0');
      } finally {
        redis.disconnect();
      }
    },
  };
}
