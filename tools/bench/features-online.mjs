#!/usr/bin/env node
// The online store of @mlp/features on the real Redis (127.0.0.1:6379, or MLP_TEST_REDIS_URL), against
// the limit measured in the same run with raw ioredis on the same server:
//   read1:       getOnlineFeatures of 50 features for one entity (p50/p99), target p99 < 2 ms; limit: a raw
//                GET of the same packed value; peer: HGETALL of the same 50 features stored as a hash
//   read1000:    a batch of 1,000 entities (p50/p99), target < 10 ms; limit: a raw MGET of the same keys;
//                peer: 1,000 HGETALLs in one pipeline
//   write:       OnlineStore.write (the newest-wins script) of N entities × 50 features, rows/s, target
//                ≥ 100k/s; limit: pipelined SETs of the same packed values (no newer-value check)
//   materialize: materializeOnline from an offline table on PostgreSQL into Redis, rows/s end to end
// Ratios are ours over the limit (time for time, rate for rate): compare those between runs on a shared
// machine, not the absolute figures.
//
//   node tools/bench/features-online.mjs [--rows=200000] [--calls=3000]
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { openWorkspace } from '@mlp/core';
import { createTestDatabase } from '@mlp/core/testing';
import { createOnlineFeatures, materializeOnline, openRedisOnlineStore } from '@mlp/features';
import { Redis } from 'ioredis';
import { flag } from './lib/flights-training.mjs';

const rows = flag('rows', 200_000);
const calls = flag('calls', 3000);
const batchCalls = Math.max(50, Math.round(calls / 15));
const url = process.env.MLP_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `mlp-bench:${randomBytes(4).toString('hex')}:`;
const FEATURES = 50;

const view = {
  name: 'bench_online',
  version: 1,
  joinKeys: [{ name: 'entity', type: 'string' }],
  features: Array.from({ length: FEATURES }, (_, i) => ({ name: `f${i}`, type: 'float64' })),
  ttlMs: 0,
  offlineTable: '"mlp_features"."bench_online__v1"',
};
const valuesOf = (i) => Array.from({ length: FEATURES }, (_, j) => Math.round(((i * 31 + j * 7) % 10_000) * 1.37) / 100);

const round = (value) => Math.round(value * 1000) / 1000;
function percentiles(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { p50: round(at(0.5)), p99: round(at(0.99)) };
}
async function sample(count, fn) {
  for (let i = 0; i < Math.min(200, count); i++) await fn(i); // warm up connections and code paths
  const samples = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await fn(i);
    samples.push(performance.now() - started);
  }
  return percentiles(samples);
}
async function rate(count, fn) {
  const started = performance.now();
  await fn();
  return Math.round(count / ((performance.now() - started) / 1000));
}

async function dropPrefix(redis) {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 5000);
    if (keys.length > 0) await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
}

const redis = new Redis(url);
const store = await openRedisOnlineStore({ url, keyPrefix: `${prefix}ours:` });
const online = createOnlineFeatures(undefined, { getView: async () => view }, store, { viewCacheMs: 60_000 });
const result = {
  bench: 'features-online',
  rows,
  features: FEATURES,
  calls,
  redis: url.replace(/\/\/[^@]*@/, '//***@'),
  // The machine's load when the run started: on a shared 2-core machine absolute times swell with it.
  loadAverage1m: round(loadavg()[0]),
};
try {
  // Writes: ours (script, newest wins) against pipelined SETs of the same strings.
  const entityRows = Array.from({ length: rows }, (_, i) => ({ key: [`e${i}`], eventTs: 1_700_000_000_000 + i, values: valuesOf(i) }));
  const oursWrite = await rate(rows, () => store.write(view, entityRows));
  const rawWrite = await rate(rows, async () => {
    const sent = [];
    for (let start = 0; start < rows; start += 5000) {
      const pipeline = redis.pipeline();
      for (let i = start; i < Math.min(rows, start + 5000); i++) {
        pipeline.set(`${prefix}raw:v:${i}`, `${entityRows[i].eventTs}:layout:${JSON.stringify(entityRows[i].values)}`);
      }
      sent.push(pipeline.exec());
    }
    await Promise.all(sent);
  });
  result.write = { oursRowsPerS: oursWrite, rawPipelinedSetRowsPerS: rawWrite, oursOverRaw: round(oursWrite / rawWrite) };

  // The same values as hashes, for the HGETALL peer (a few thousand entities suffice for reads).
  const hashEntities = Math.min(rows, 20_000);
  for (let start = 0; start < hashEntities; start += 2000) {
    const pipeline = redis.pipeline();
    for (let i = start; i < Math.min(hashEntities, start + 2000); i++) {
      pipeline.hset(`${prefix}hash:${i}`, Object.fromEntries(view.features.map((f, j) => [f.name, String(entityRows[i].values[j])])));
    }
    await pipeline.exec();
  }
  const pick = (i) => (i * 7919) % hashEntities;

  // One entity, 50 features.
  const check = await online.getOnlineFeatures({ view: 'bench_online', entityKeys: [{ entity: 'e42' }] });
  if (check[0]?.f3 !== valuesOf(42)[3]) throw new Error(`read back ${JSON.stringify(check[0])}`);
  const read1 = await sample(calls, (i) => online.getOnlineFeatures({ view: 'bench_online', entityKeys: [{ entity: `e${pick(i)}` }] }));
  const rawGet = await sample(calls, (i) => redis.get(`${prefix}ours:v:bench_online:e${pick(i)}`));
  const hgetall = await sample(calls, (i) => redis.hgetall(`${prefix}hash:${pick(i)}`));
  result.read1 = { oursMs: read1, rawGetMs: rawGet, hgetallMs: hgetall, p99OursOverGet: round(read1.p99 / rawGet.p99), targetP99Ms: 2 };

  // A batch of 1,000 entities.
  const batchOf = (i) => Array.from({ length: 1000 }, (_, j) => pick(i * 1000 + j));
  const read1000 = await sample(batchCalls, (i) =>
    online.getOnlineFeatures({ view: 'bench_online', entityKeys: batchOf(i).map((n) => ({ entity: `e${n}` })) }),
  );
  const rawMget = await sample(batchCalls, (i) => redis.mget(batchOf(i).map((n) => `${prefix}ours:v:bench_online:e${n}`)));
  const pipelinedHgetall = await sample(batchCalls, (i) => {
    const pipeline = redis.pipeline();
    for (const n of batchOf(i)) pipeline.hgetall(`${prefix}hash:${n}`);
    return pipeline.exec();
  });
  result.read1000 = {
    oursMs: read1000,
    rawMgetMs: rawMget,
    pipelinedHgetallMs: pipelinedHgetall,
    p99OursOverMget: round(read1000.p99 / rawMget.p99),
    targetMs: 10,
  };
  await dropPrefix(redis);

  // Materialisation end to end: the newest row per entity from a PostgreSQL offline table into Redis.
  const dir = mkdtempSync(path.join(tmpdir(), 'mlp-bench-online-'));
  const database = await createTestDatabase('mlp_bench');
  const workspace = await openWorkspace({ dir, logLevel: 'warn', database: { url: database.url } });
  try {
    const columns = view.features.map((f, j) => `round((((g * 31 + ${j * 7}) % 10000) * 1.37)::numeric / 100, 2)::float8 as ${f.name}`);
    await workspace.db.query('create schema mlp_features');
    await workspace.db.query(
      `create table mlp_features.bench_online__v1 as select 'e' || g as entity, (1700000000000 + g)::bigint as event_ts, ${columns.join(', ')} from generate_series(0, ${rows - 1}) as g`,
    );
    await workspace.db.query('alter table mlp_features.bench_online__v1 add column _seq bigint generated always as identity');
    await workspace.db.query('create index on mlp_features.bench_online__v1 (entity, event_ts desc, _seq desc)');
    await workspace.db.query('analyze mlp_features.bench_online__v1');
    let materialized;
    const materializeRate = await rate(rows, async () => {
      materialized = await materializeOnline(workspace.db, store, view, { to: 1_800_000_000_000 });
    });
    if (materialized.written !== rows) throw new Error(`materialised ${materialized.written} of ${rows}`);
    // The floor of the PostgreSQL side: reading the same rows through the same query, writing nothing.
    const readOnlyRate = await rate(rows, () =>
      workspace.db.query(
        `select distinct on (entity) * from mlp_features.bench_online__v1 where event_ts < 1800000000000 order by entity, event_ts desc, _seq desc`,
      ),
    );
    result.materialize = {
      rowsPerS: materializeRate,
      postgresReadOnlyRowsPerS: readOnlyRate,
      overPostgresRead: round(materializeRate / readOnlyRate),
      targetRowsPerS: 100_000,
    };
  } finally {
    await workspace.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  }
} finally {
  await dropPrefix(redis).catch(() => {});
  await store.close();
  redis.disconnect();
}
console.log(JSON.stringify(result, null, 2));
