import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DatasetResolver } from '@mlp/core';
import { createTempDir, createTestDatabase, openTestWorkspace, type TempDir, type TestEngine, type TestWorkspace } from '@mlp/core/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entity } from '../definitions/entity.js';
import { featureView } from '../definitions/feature-view.js';
import { onDemandFeatures } from '../definitions/on-demand-features.js';
import { type FeatureRegistryStore, openFeatureRegistry } from '../registry/open-feature-registry.js';
import { type OfflineStore, openOfflineStore } from './open-offline-store.js';

// Hand-checked point-in-time cases, on the embedded engine and on a real PostgreSQL server.
const at = (time: string) => Date.parse(`2026-01-01T${time}:00Z`);

const driver = entity({ name: 'driver', joinKeys: { driver_id: 'int64' } });
const city = entity({ name: 'city', joinKeys: ['city'] });

// driver_stats from a table of the workspace database, ttl 2 h
const driverStats = featureView({
  name: 'driver_stats',
  entities: [driver],
  source: { table: 'driver_events' },
  timestampColumn: 'ts',
  ttl: '2h',
  features: { rating: 'float64', trips: 'int64' },
});
// city_stats from a dataset version (a CSV), no ttl
const cityStats = featureView({
  name: 'city_stats',
  entities: [city],
  source: { dataset: 'cities@1' },
  timestampColumn: 'day',
  ttl: 0,
  features: { demand: 'float64', rating: 'float64' },
});

async function seed(test: TestWorkspace): Promise<void> {
  const db = test.workspace.db;
  await db.query('create table driver_events (driver_id bigint, ts timestamptz, rating double precision, trips integer, note text)');
  // insertion order matters: the 11:00 pair ties on time (the later-inserted 4.6 wins); the 09:00 row arrives late
  const rows: [number, string, number, number][] = [
    [1, '10:00', 4.0, 10],
    [1, '11:00', 4.5, 11],
    [1, '11:00', 4.6, 12],
    [1, '13:00', 3.0, 13],
    [2, '08:00', 5.0, 20],
    [1, '09:00', 1.0, 9],
  ];
  for (const [id, time, rating, trips] of rows) {
    await db.query('insert into driver_events values ($1, $2, $3, $4, $5)', [id, new Date(at(time)), rating, trips, 'x']);
  }
}

function cityResolver(dir: TempDir): DatasetResolver {
  const file = path.join(dir.path, 'cities.csv');
  return {
    async resolve(ref) {
      if (ref !== 'cities@1') throw new Error(`unexpected ${ref}`);
      await writeFile(
        file,
        'city,day,demand,rating\nparis,2026-01-01 06:00:00,1.5,9.1\nparis,2026-01-01 12:00:00,2.5,9.2\nrome,2026-01-01 00:00:00,0.5,8\n',
      );
      return { path: file, version: { ref: 'cities@1', rootHash: 'abc' } };
    },
  };
}

describe.each<TestEngine>(['embedded', 'postgres'])('point-in-time training sets on %s', (engine) => {
  let test: TestWorkspace;
  let dir: TempDir;
  let registry: FeatureRegistryStore;
  let offline: OfflineStore;
  beforeAll(async () => {
    test = await openTestWorkspace(engine, 'mlp-features-pit-');
    dir = await createTempDir('mlp-features-pit-data-');
    await seed(test);
    const datasets = cityResolver(dir);
    registry = await openFeatureRegistry(test.workspace, { datasets });
    offline = await openOfflineStore(test.workspace, { registry, datasets });
    await registry.apply([driverStats, cityStats]);
  });
  afterAll(async () => {
    await test?.cleanup();
    await dir?.remove();
  });

  it('takes the latest value at or before each entity row, within the ttl, never a later one', async () => {
    const entities = [
      { driver_id: 1, event_timestamp: at('10:30'), label: 'a' }, // 10:00 (the late 09:00 row is older)
      { driver_id: 1, event_timestamp: at('11:00'), label: 'b' }, // equal time counts; of two equal, the later loaded
      { driver_id: 1, event_timestamp: at('09:30'), label: 'c' }, // the late row
      { driver_id: 1, event_timestamp: at('07:00'), label: 'd' }, // nothing before: nulls
      { driver_id: 1, event_timestamp: at('12:59'), label: 'e' }, // 11:00 still within 2 h
      { driver_id: 1, event_timestamp: at('13:00'), label: 'f' }, // 13:00
      { driver_id: 2, event_timestamp: at('10:00'), label: 'g' }, // exactly the ttl: kept
      { driver_id: 2, event_timestamp: at('10:01'), label: 'h' }, // expired
      { driver_id: 3, event_timestamp: at('10:00'), label: 'i' }, // unknown entity
    ];
    const set = await offline.trainingSet({ entities: { rows: entities }, features: ['driver_stats:rating,trips'] });
    try {
      const rows = [];
      for await (const row of set.rows({ batchSize: 4 })) rows.push(row);
      expect(rows.map((row) => [row.label, row.rating, row.trips])).toEqual([
        ['a', 4.0, 10],
        ['b', 4.6, 12],
        ['c', 1.0, 9],
        ['d', null, null],
        ['e', 4.6, 12],
        ['f', 3.0, 13],
        ['g', 5.0, 20],
        ['h', null, null],
        ['i', null, null],
      ]);
      expect(rows[0]).toMatchObject({ driver_id: 1, event_timestamp: at('10:30') });
      expect(set.columns).toEqual([
        { name: 'driver_id', type: 'int64' },
        { name: 'event_timestamp', type: 'timestamp' },
        { name: 'label', type: 'string' },
        { name: 'rating', type: 'float64' },
        { name: 'trips', type: 'int64' },
      ]);
      expect(set.views).toEqual([
        expect.objectContaining({ name: 'driver_stats', version: 1, features: ['rating', 'trips'], datasetVersion: null }),
      ]);
      // Parquet straight from COPY (no on-demand features): typed columns, timestamps as TIMESTAMP
      const parquet = await set.writeFile(path.join(dir.path, 'first.parquet'));
      expect(parquet.rows).toBe(9);
      const { connectSharedTabularDb } = await import('@mlp/core/tabular');
      const duck = await connectSharedTabularDb();
      try {
        const read = await duck.runAndReadAll(
          `select driver_id, epoch_ms(event_timestamp) as ts, label, rating, trips from read_parquet('${parquet.path}')`,
        );
        const rowsRead = read.getRowObjectsJS();
        expect(rowsRead[1]).toEqual({ driver_id: 1n, ts: BigInt(at('11:00')), label: 'b', rating: 4.6, trips: 12n });
        expect(rowsRead[8]).toEqual({ driver_id: 3n, ts: BigInt(at('10:00')), label: 'i', rating: null, trips: null });
        expect(read.columnTypes().map(String)).toEqual(['BIGINT', 'BIGINT', 'VARCHAR', 'DOUBLE', 'BIGINT']);
      } finally {
        duck.closeSync();
      }
    } finally {
      await set.close();
    }
  });

  it('joins several views with several entities, names clashing features view__feature, computes on-demand features, and writes CSV and Parquet', async () => {
    const file = path.join(dir.path, 'entities.csv');
    await writeFile(
      file,
      'driver_id,city,ts,fare\n1,paris,2026-01-01 11:30:00,10\n2,rome,2026-01-01 05:00:00,7.5\n1,paris,2026-01-01 05:59:59,3\n4,oslo,2026-01-01 12:00:00,1\n',
    );
    const ratio = onDemandFeatures({
      name: 'fare_per_demand',
      sources: [cityStats],
      request: { fare: 'float64' },
      outputs: { fare_per_demand: 'float64' },
      transform: (row) => ({ fare_per_demand: row.demand === null ? null : (row.fare as number) / (row.demand as number) }),
    });
    const set = await offline.trainingSet({
      entities: { file },
      timestampColumn: 'ts',
      features: ['driver_stats:rating', 'city_stats'],
      onDemand: [ratio],
    });
    try {
      const rows = [];
      for await (const row of set.rows()) rows.push(row);
      expect(
        rows.map((row) => [row.driver_id, row.city, row.driver_stats__rating, row.demand, row.city_stats__rating, row.fare_per_demand]),
      ).toEqual([
        [1, 'paris', 4.6, 1.5, 9.1, 10 / 1.5],
        [2, 'rome', null, 0.5, 8, 15],
        [1, 'paris', null, null, null, null],
        [4, 'oslo', null, null, null, null],
      ]);
      const csv = await set.writeFile(path.join(dir.path, 'out', 'train.csv'));
      expect(csv).toMatchObject({ format: 'csv', rows: 4 });
      const { readFile } = await import('node:fs/promises');
      const text = await readFile(csv.path, 'utf8');
      expect(text.split('\n')[0]).toBe('driver_id,city,ts,fare,driver_stats__rating,demand,city_stats__rating,fare_per_demand');
      expect(text.split('\n')[1]).toBe(`1,paris,2026-01-01T11:30:00.000Z,10,4.6,1.5,9.1,${10 / 1.5}`);
      const parquet = await set.writeFile(path.join(dir.path, 'out', 'train.parquet'));
      expect(parquet.rows).toBe(4);
      const { connectSharedTabularDb } = await import('@mlp/core/tabular');
      const duck = await connectSharedTabularDb();
      try {
        const read = await duck.runAndReadAll(`select city, epoch_ms(ts) as ts, demand from read_parquet('${parquet.path}')`);
        expect(read.getRowObjectsJS()).toEqual([
          { city: 'paris', ts: BigInt(at('11:30')), demand: 1.5 },
          { city: 'rome', ts: BigInt(at('05:00')), demand: 0.5 },
          { city: 'paris', ts: BigInt(at('05:59') + 59_000), demand: null },
          { city: 'oslo', ts: BigInt(at('12:00')), demand: null },
        ]);
      } finally {
        duck.closeSync();
      }
    } finally {
      await set.close();
    }
  });

  it('agrees with a brute-force search on random rows (ties, gaps, several versions of the ttl), and writes a table', async () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const db = test.workspace.db;
    await db.query('create table random_events (k bigint, ts bigint, v bigint)');
    const events: { k: number; ts: number; v: number; seq: number }[] = [];
    for (let i = 0; i < 600; i++) {
      // clustered times with long gaps, and some exact ties
      const ts = Math.floor(random() < 0.1 ? random() * 1_000_000 : (random() < 0.5 ? 0 : 500_000) + random() * 2000);
      events.push({
        k: Math.floor(random() * 12),
        ts: random() < 0.2 && events.length > 0 ? (events.at(-1) as { ts: number }).ts : ts,
        v: i,
        seq: i,
      });
    }
    for (const event of events) await db.query('insert into random_events values ($1, $2, $3)', [event.k, event.ts, event.v]);
    const key = entity({ name: 'k', joinKeys: { k: 'int64' } });
    for (const ttl of [0, 700]) {
      const name = `random_${ttl}`;
      await registry.apply([
        featureView({ name, entities: [key], source: { table: 'random_events' }, timestampColumn: 'ts', ttl, features: { v: 'int64' } }),
      ]);
      const probes = Array.from({ length: 400 }, () => ({
        k: Math.floor(random() * 14),
        event_timestamp: Math.floor(random() * 1_001_000) - 500,
      }));
      const expected = probes.map((probe) => {
        const candidates = events.filter(
          (event) => event.k === probe.k && event.ts <= probe.event_timestamp && (ttl === 0 || event.ts >= probe.event_timestamp - ttl),
        );
        candidates.sort((a, b) => b.ts - a.ts || b.seq - a.seq);
        return candidates[0]?.v ?? null;
      });
      const set = await offline.trainingSet({ entities: { rows: probes }, features: [`${name}:v`] });
      try {
        const got = [];
        for await (const row of set.rows()) got.push(row.v);
        expect(got).toEqual(expected);
        expect(await set.writeTable(`out_${name}`)).toEqual({ table: `out_${name}`, rows: 400 });
        const stored = await db.query<{ v: string | null }>(`select v from out_${name}`);
        expect(stored.map((row) => (row.v === null ? null : Number(row.v))).sort()).toEqual([...expected].sort());
        await expect(set.writeTable(`out_${name}`)).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
      } finally {
        await set.close();
      }
    }
  });

  it('reads a source on another PostgreSQL server (streamed with COPY) and epoch-millisecond times', async () => {
    const external = await createTestDatabase('mlp_features_source');
    try {
      const client = new pg.Client({ connectionString: external.url });
      await client.connect();
      try {
        await client.query(
          'create table ext_events (driver_id bigint, at_ms bigint, score double precision, vip boolean, seen timestamptz)',
        );
        await client.query(
          `insert into ext_events values (1, ${at('10:00')}, 0.5, true, '2026-01-01T09:00:00Z'), (1, ${at('12:00')}, 0.7, false, null), (2, ${at('10:00')}, 0.9, null, null)`,
        );
      } finally {
        await client.end();
      }
      await registry.apply([
        featureView({
          name: 'ext_stats',
          entities: [driver],
          source: { table: 'ext_events', url: external.url },
          timestampColumn: 'at_ms',
          ttl: 0,
          features: { score: 'float64', vip: 'bool', seen: 'timestamp' },
        }),
      ]);
      const set = await offline.trainingSet({
        entities: {
          rows: [
            { driver_id: 1, event_timestamp: at('11:00') },
            { driver_id: 1, event_timestamp: at('12:00') },
            { driver_id: 2, event_timestamp: at('09:59') },
          ],
        },
        features: ['ext_stats'],
      });
      try {
        const rows = [];
        for await (const row of set.rows()) rows.push([row.score, row.vip, row.seen]);
        expect(rows).toEqual([
          [0.5, true, at('09:00')],
          [0.7, false, null],
          [null, null, null],
        ]);
      } finally {
        await set.close();
      }
    } finally {
      await external.drop();
    }
  });

  it('drops entity tables a process left behind over a day ago, and its own when closed', async () => {
    const db = test.workspace.db;
    const old = `entities_${(Date.now() - 25 * 3_600_000).toString(36)}_abandoned`;
    const recent = `entities_${(Date.now() - 3_600_000).toString(36)}_inuse`;
    for (const name of [old, recent]) await db.query(`create unlogged table mlp_features.${name} (_row bigint)`);
    const set = await offline.trainingSet({
      entities: { rows: [{ driver_id: 1, event_timestamp: at('10:30') }] },
      features: ['driver_stats:rating'],
    });
    const names = async () =>
      (
        await db.query<{ name: string }>(
          `select tablename as name from pg_tables where schemaname = 'mlp_features' and tablename like 'entities%'`,
        )
      ).map((row) => row.name);
    const during = await names();
    expect(during).not.toContain(old);
    expect(during).toContain(recent);
    expect(during).toHaveLength(2);
    await set.close();
    expect(await names()).toEqual([recent]);
    await db.query(`drop table mlp_features.${recent}`);
  });

  it('refuses unknown views and features, and entity rows without the keys or the time', async () => {
    await expect(offline.trainingSet({ entities: { rows: [] }, features: ['nope:x'] })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining('driver_stats'),
    });
    await expect(offline.trainingSet({ entities: { rows: [] }, features: ['driver_stats:speed'] })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining('no feature speed'),
    });
    await expect(
      offline.trainingSet({ entities: { rows: [{ driver: 1, event_timestamp: 0 }] }, features: ['driver_stats'] }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('no join key column driver_id') });
  });
});
