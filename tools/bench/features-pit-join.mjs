#!/usr/bin/env node
// The point-in-time join of @mlp/features on a real PostgreSQL server (a fresh test database), against
// the limit: a plain equality join of the same tables ((keys, event time) = (keys, event time)), which
// reads the same rows and hashes the same feature table but needs no "latest at or before" search.
// Target (issue 18): 10M entity rows against a 1M-row feature view under 10 s; run the full size with
// `--rows=10000000 --features=1000000`. The default is 1M × 100k so `npm run bench` stays short.
//
// Measured, per round (the strategies take turns, so a machine whose load drifts hurts each alike):
//   pit:       TrainingSet.writeTable, the product's join (hash joins on time buckets), into a new table
//   equality:  the same output from an equality join (the limit)
//   lateral:   the same output from a LATERAL probe of the (keys, event_ts desc) index per entity row
//              (the other design considered; off above 2M rows unless --lateral=1, it takes minutes)
// Also: loading the view's offline table from its source table, loading the entity rows, and building
// the join's bucket tables (once per load). pitOverEquality and lateralOverEquality are time ratios.
//
//   node tools/bench/features-pit-join.mjs [--rows=1000000] [--features=100000] [--keys=1000] [--rounds=2] [--lateral=0|1]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openWorkspace } from '@mlp/core';
import { createTestDatabase } from '@mlp/core/testing';
import { entity, featureView, openFeatureRegistry, openOfflineStore } from '@mlp/features';
import { flag } from './lib/flights-training.mjs';

const rows = flag('rows', 1_000_000);
const featureRows = flag('features', Math.max(1000, Math.round(rows / 10)));
const keys = flag('keys', Math.max(10, Math.round(featureRows / 100)));
const rounds = flag('rounds', 2);
const lateral = flag('lateral', rows <= 2_000_000 ? 1 : 0) === 1;
const ttlMs = 6 * 3_600_000;
// feature rows spread over 30 days, entity rows over the same days
const spanMs = 30 * 86_400_000;

const seconds = (ms) => Math.round(ms) / 1000;
async function timed(work) {
  const start = performance.now();
  const result = await work();
  return { ms: performance.now() - start, result };
}

const dir = mkdtempSync(path.join(tmpdir(), 'mlp-bench-features-'));
const database = await createTestDatabase('mlp_bench_features');
const workspace = await openWorkspace({ dir, logLevel: 'warn', database: { url: database.url } });
try {
  const db = workspace.db;
  await db.query(
    `create table bench_features as select (hashint8(i) & 1048575) % ${keys} as k, ((hashint8(i + 1) & 2147483647) % ${spanMs})::bigint as ts, ` +
      `(hashint8(i + 2) & 65535) / 100.0::double precision as f1, i as f2 from generate_series(1, ${featureRows}) i`,
  );
  await db.query(
    `create unlogged table bench_entities as select (hashint8(-i) & 1048575) % ${Math.round(keys * 1.05)} as k, ` +
      `((hashint8(-i - 1) & 2147483647) % ${spanMs})::bigint as event_timestamp, (i % 2)::int as label from generate_series(1, ${rows}) i`,
  );
  const registry = await openFeatureRegistry(workspace);
  const offline = await openOfflineStore(workspace, { registry });
  const key = entity({ name: 'k', joinKeys: { k: 'int64' } });
  await registry.apply([
    featureView({
      name: 'bench',
      entities: [key],
      source: { table: 'bench_features' },
      timestampColumn: 'ts',
      ttl: ttlMs,
      features: { f1: 'float64', f2: 'int64' },
    }),
  ]);
  const view = await registry.getView('bench');
  const load = await timed(() => offline.materialize('bench'));
  const prepared = await timed(() =>
    offline.trainingSet({ entities: { query: 'select * from bench_entities' }, features: ['bench:f1,f2'] }),
  );
  const set = prepared.result;
  // the entity table the product loaded (the same rows as bench_entities, numbered in order)
  const [{ table: entityTable }] = await db.query(
    `select format('%I.%I', schemaname, tablename) as table from pg_tables where schemaname = 'mlp_features' and tablename like 'entities_%'`,
  );
  const strategies = {
    pit: async (round) => set.writeTable(`out_pit_${round}`),
    equality: async (round) =>
      db.transaction(async (tx) => {
        await tx.execute(`set local work_mem = '256MB'`);
        await tx.execute(
          `create table out_equality_${round} as select e.k, e.event_timestamp, e.label, t.f1, t.f2 from ${entityTable} e ` +
            `left join ${view.offlineTable} t on t.k = e.k and t.event_ts = e.event_timestamp order by e._row`,
        );
      }),
    ...(lateral
      ? {
          lateral: async (round) =>
            db.query(
              `create table out_lateral_${round} as select e.k, e.event_timestamp, e.label, v.f1, v.f2 from ${entityTable} e left join lateral ` +
                `(select t.f1, t.f2 from ${view.offlineTable} t where t.k = e.k and t.event_ts <= e.event_timestamp and t.event_ts >= e.event_timestamp - ${ttlMs} ` +
                `order by t.event_ts desc, t._seq desc limit 1) v on true order by e._row`,
            ),
        }
      : {}),
  };
  const times = Object.fromEntries(Object.keys(strategies).map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const [name, run] of Object.entries(strategies)) {
      const { ms } = await timed(() => run(round));
      times[name].push(ms);
      await db.query(`drop table out_${name}_${round}`).catch(() => {});
    }
  }
  // the product's answer against the LATERAL one (or, without it, a count of matched rows)
  let mismatches = null;
  if (lateral) {
    await set.writeTable('check_pit');
    await strategies.lateral('check');
    const [row] = await db.query(
      `select count(*)::int as n from (select row_number() over () as r, * from check_pit) a full join (select row_number() over () as r, * from out_lateral_check) b using (r) ` +
        `where a.f1 is distinct from b.f1 or a.f2 is distinct from b.f2`,
    );
    mismatches = row.n;
  }
  await set.close();
  const best = (list) => Math.min(...list);
  const [{ load: loadAvg }] = [{ load: (await import('node:os')).loadavg()[0] }];
  console.log(
    JSON.stringify(
      {
        bench: 'features-pit-join',
        engine: 'postgres',
        entityRows: rows,
        featureRows,
        keys,
        ttlMs,
        rounds,
        seconds: Object.fromEntries(Object.entries(times).map(([name, list]) => [name, best(list) / 1000])),
        pitOverEquality: Math.round((best(times.pit) / best(times.equality)) * 100) / 100,
        ...(lateral
          ? {
              lateralOverEquality: Math.round((best(times.lateral) / best(times.equality)) * 100) / 100,
              pitVsLateralMismatches: mismatches,
            }
          : {}),
        setupSeconds: { offlineLoad: seconds(load.ms), entityLoadAndBuckets: seconds(prepared.ms) },
        loadAverage: Math.round(loadAvg * 10) / 10,
      },
      null,
      2,
    ),
  );
} finally {
  await workspace.close();
  await database.drop();
  rmSync(dir, { recursive: true, force: true });
}
