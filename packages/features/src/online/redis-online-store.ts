import { MlpError, maskUrl } from '@mlp/core';
import type { Redis, RedisOptions } from 'ioredis';
import type { FeatureValue } from '../definitions/feature-types.js';
import type { MaterializationWatermark, OnlineReadOptions, OnlineStore, OnlineWriteResult } from './online-store.js';
import {
  checkViewName,
  type EntityKeyValues,
  encodeEntityKey,
  expired,
  featureIndexes,
  latestPerEntity,
  layoutOf,
  type OnlineRow,
  type OnlineView,
  setFeature,
} from './online-view.js';

export interface RedisOnlineStoreOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://` for TLS. */
  url: string;
  /** Prefix of every key the store writes, so several workspaces can share one Redis (`mlp:features:` by default). */
  keyPrefix?: string;
  /** Entities per write script call (500 by default). */
  writeBatch?: number;
}

// One string per entity: `<event ms>:<layout>:<JSON array of the values in the layout's order>`.
// A packed value is one GET to read (one MGET for many), a fraction of a hash's HGETALL (measured
// in tools/bench/features-online.mjs). The script keeps a stored value whose event time is newer,
// and sets the key to expire when the view's TTL passes (ARGV holds value, expire-at pairs).
const writeScript = `
local written = 0
for i = 1, #KEYS do
  local value = ARGV[2 * i - 1]
  local expireAt = ARGV[2 * i]
  local ts = tonumber(string.sub(value, 1, string.find(value, ':', 1, true) - 1))
  local current = redis.call('GET', KEYS[i])
  local keep = false
  if current then
    local colon = string.find(current, ':', 1, true)
    local currentTs = colon and tonumber(string.sub(current, 1, colon - 1))
    if currentTs and currentTs > ts then keep = true end
  end
  if not keep then
    if expireAt == '0' then redis.call('SET', KEYS[i], value) else redis.call('SET', KEYS[i], value, 'PXAT', expireAt) end
    written = written + 1
  end
end
return written
`;

const builders = new Map<string, (values: readonly FeatureValue[]) => Record<string, FeatureValue>>();

/**
 * A function making one entity's record from its stored values: an object literal of fixed shape,
 * which V8 builds in a fraction of the time of adding the keys one by one (measured on 50 features).
 * The names are feature names, each written as a JSON string literal, so no text reaches the code raw.
 */
function recordBuilder(names: readonly string[], indexes: readonly number[]) {
  const id = `${names.join(',')}|${indexes.join(',')}`;
  let build = builders.get(id);
  if (!build) {
    // `"__proto__": x` in a literal would set the prototype; computed, it is an own property.
    const fields = names.map((name, j) => `${name === '__proto__' ? '["__proto__"]' : JSON.stringify(name)}: v[${indexes[j]}] ?? null`);
    build = new Function('v', `return { ${fields.join(', ')} };`) as (values: readonly FeatureValue[]) => Record<string, FeatureValue>;
    if (builders.size > 1000) builders.clear();
    builders.set(id, build);
  }
  return build;
}

interface Selection {
  indexes: number[];
  names: string[];
  build: (values: readonly FeatureValue[]) => Record<string, FeatureValue>;
}

function selection(view: OnlineView, features: readonly string[] | undefined): Selection {
  const indexes = featureIndexes(view, features);
  const names = indexes.map((index) => (view.features[index] as OnlineView['features'][number]).name);
  return { indexes, names, build: recordBuilder(names, indexes) };
}

// Reading every feature is the common case (a model's inputs): its selection is made once per view.
const everyFeature = new WeakMap<OnlineView['features'], Selection>();

function allFeatures(view: OnlineView): Selection {
  let found = everyFeature.get(view.features);
  if (!found) {
    found = selection(view, undefined);
    everyFeature.set(view.features, found);
  }
  return found;
}

type ScriptedRedis = Redis & { mlpOnlineWrite(numKeys: number, ...args: string[]): Promise<number> };

/** Writes in flight at once: bounds memory on large materialisations while keeping the pipe full. */
const maxInFlight = 16;

function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

/**
 * The online store in Redis. `ioredis` (an optional peer dependency) is loaded when the store opens.
 * Nothing connects until the first read or write; when Redis cannot be reached, each call fails
 * with UNAVAILABLE after one reconnection attempt, and the client keeps reconnecting in the background.
 */
export async function openRedisOnlineStore(options: RedisOnlineStoreOptions): Promise<OnlineStore> {
  let RedisClient: typeof Redis;
  try {
    ({ Redis: RedisClient } = await import('ioredis'));
  } catch (error) {
    throw new MlpError(
      'FAILED_PRECONDITION',
      'The Redis online store needs the ioredis package: npm install ioredis (or leave the online store on the workspace database).',
      { cause: error },
    );
  }
  const shown = maskUrl(options.url);
  const clientOptions: RedisOptions = {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    retryStrategy: (times) => Math.min(times * 100, 1000),
  };
  let redis: ScriptedRedis;
  try {
    redis = new RedisClient(options.url, clientOptions) as ScriptedRedis;
  } catch (error) {
    throw new MlpError('INVALID_ARGUMENT', `${shown} is not a Redis URL: write redis://host:port[/db].`, { cause: error });
  }
  let lastError: Error | undefined;
  redis.on('error', (error: Error) => {
    lastError = error; // reported with the next failed call, not as an unhandled event
  });
  redis.defineCommand('mlpOnlineWrite', { lua: writeScript });
  const prefix = options.keyPrefix ?? 'mlp:features:';
  const batchSize = options.writeBatch ?? 500;
  const valueKey = (view: string, key: string) => `${prefix}v:${view}:${key}`;
  const metaKey = (view: string) => `${prefix}m:${view}`;
  const knownLayouts = new Map<string, string[]>(); // `view layout` → feature names, immutable once written

  async function call<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (MlpError.isInstance(error)) throw error;
      if ((error as Error).name === 'ReplyError') {
        throw new MlpError('INTERNAL', `Redis at ${shown} refused a command of the online store: ${(error as Error).message}.`, {
          cause: error,
        });
      }
      const reason = lastError?.message ?? (error as Error).message;
      throw new MlpError(
        'UNAVAILABLE',
        `The Redis online store at ${shown} cannot be reached (${reason}). Start Redis there, or point MLP_FEATURES_ONLINE_URL (features.online.url in mlp.config.json) at a running one.`,
        { cause: error },
      );
    }
  }

  async function layoutNames(view: OnlineView, layout: string): Promise<string[] | null> {
    const cached = knownLayouts.get(`${view.name} ${layout}`);
    if (cached) return cached;
    const text = await redis.hget(metaKey(view.name), `layout:${layout}`);
    if (text === null) return null;
    const names = JSON.parse(text) as string[];
    knownLayouts.set(`${view.name} ${layout}`, names);
    return names;
  }

  async function write(view: OnlineView, rows: readonly OnlineRow[]): Promise<OnlineWriteResult> {
    checkViewName(view.name);
    const now = Date.now();
    const latest = [...latestPerEntity(view, rows)].filter(([, row]) => !expired(view, row.eventTs, now));
    if (latest.length === 0) return { written: 0, skipped: rows.length };
    const layout = layoutOf(view);
    return call(async () => {
      if (!knownLayouts.has(`${view.name} ${layout}`)) {
        const names = view.features.map((feature) => feature.name);
        await redis.hset(metaKey(view.name), `layout:${layout}`, JSON.stringify(names));
        knownLayouts.set(`${view.name} ${layout}`, names);
      }
      let written = 0;
      let failure: unknown;
      const inFlight = new Set<Promise<void>>();
      for (let start = 0; start < latest.length; start += batchSize) {
        const batch = latest.slice(start, start + batchSize);
        const args: string[] = new Array(batch.length * 3);
        batch.forEach(([key, row], i) => {
          args[i] = valueKey(view.name, key);
          args[batch.length + 2 * i] =
            `${row.eventTs}:${layout}:${typeof row.values === 'string' ? row.values : JSON.stringify(row.values)}`;
          args[batch.length + 2 * i + 1] = view.ttlMs > 0 ? String(row.eventTs + view.ttlMs) : '0';
        });
        const sent: Promise<void> = redis
          .mlpOnlineWrite(batch.length, ...args)
          .then(
            (n) => {
              written += n;
            },
            (error: unknown) => {
              failure ??= error;
            },
          )
          .finally(() => inFlight.delete(sent));
        inFlight.add(sent);
        if (inFlight.size >= maxInFlight) await Promise.race(inFlight);
        if (failure !== undefined) break;
      }
      await Promise.all(inFlight);
      if (failure !== undefined) throw failure;
      return { written, skipped: rows.length - written };
    });
  }

  async function read(view: OnlineView, keys: readonly EntityKeyValues[], options: OnlineReadOptions = {}) {
    checkViewName(view.name);
    const { names, build } = options.features ? selection(view, options.features) : allFeatures(view);
    const redisKeys = keys.map((key) => valueKey(view.name, encodeEntityKey(view, key)));
    if (redisKeys.length === 0) return [];
    const texts = await call(async () =>
      redisKeys.length === 1 ? [await redis.get(redisKeys[0] as string)] : await redis.mget(redisKeys),
    );
    const layout = layoutOf(view);
    const now = options.now ?? Date.now();
    const out: Array<Record<string, FeatureValue> | null> = new Array(texts.length);
    for (let i = 0; i < texts.length; i++) {
      const text = texts[i];
      out[i] = null;
      if (text === null || text === undefined) continue;
      const first = text.indexOf(':');
      const second = text.indexOf(':', first + 1);
      if (expired(view, Number(text.slice(0, first)), now)) continue;
      const values = JSON.parse(text.slice(second + 1)) as FeatureValue[];
      const stored = text.slice(first + 1, second);
      if (stored === layout) {
        out[i] = build(values);
      } else {
        const record: Record<string, FeatureValue> = {};
        // Written under another version of the view: read by name; a feature it lacked is null.
        const storedNames = await call(() => layoutNames(view, stored));
        if (storedNames === null) continue;
        for (const name of names) {
          const at = storedNames.indexOf(name);
          setFeature(record, name, at < 0 ? null : (values[at] ?? null));
        }
        out[i] = record;
      }
    }
    return out;
  }

  async function deleteView(view: string): Promise<void> {
    checkViewName(view);
    await call(async () => {
      let cursor = '0';
      do {
        const [next, found] = await redis.scan(cursor, 'MATCH', `${globEscape(prefix)}v:${view}:*`, 'COUNT', 1000);
        if (found.length > 0) await redis.unlink(...found);
        cursor = next;
      } while (cursor !== '0');
      await redis.unlink(metaKey(view));
    });
    for (const key of [...knownLayouts.keys()]) if (key.startsWith(`${view} `)) knownLayouts.delete(key);
  }

  const store: OnlineStore = {
    kind: 'redis',
    write,
    read,
    deleteView,
    async getWatermark(view): Promise<MaterializationWatermark | null> {
      checkViewName(view);
      const text = await call(() => redis.hget(metaKey(view), 'watermark'));
      return text === null ? null : (JSON.parse(text) as MaterializationWatermark);
    },
    async setWatermark(view, watermark) {
      checkViewName(view);
      const value: MaterializationWatermark = { to: watermark.to, version: watermark.version, updatedAt: Date.now() };
      await call(() => redis.hset(metaKey(view), 'watermark', JSON.stringify(value)));
    },
    async close() {
      if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
      else redis.disconnect();
    },
    async [Symbol.asyncDispose]() {
      await store.close();
    },
  };
  return store;
}
