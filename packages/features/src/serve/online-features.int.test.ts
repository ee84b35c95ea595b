import { MlpError, type Workspace } from '@mlp/core';
import { openTestWorkspace, type TestWorkspace } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entity } from '../definitions/entity.js';
import { featureView } from '../definitions/feature-view.js';
import { onDemandFeatures } from '../definitions/on-demand-features.js';
import { testRedisPrefix, testRedisUrl } from '../online/test-support/test-redis.js';
import { openFeatureRegistry } from '../registry/open-feature-registry.js';
import { type OnlineFeatures, openOnlineFeatures } from './online-features.js';

// Materialisation from a table of the workspace database into each online store, then reads.
const minute = 60_000;
const base = Date.now() - 60 * minute; // recent, so the 1-day TTL keeps these values
const carrier = entity({ name: 'carrier', joinKeys: ['carrier'] });
const carrierStats = featureView({
  name: 'carrier_stats',
  entities: [carrier],
  source: { table: 'carrier_events' },
  timestampColumn: 'ts',
  ttl: '1d',
  features: { dep_delay: 'float64', flights: 'int64', hub: 'string' },
});
const delayPerMile = onDemandFeatures({
  name: 'delay_per_mile',
  sources: [carrierStats],
  request: { distance: 'float64' },
  outputs: { delay_per_mile: 'float64' },
  transform: (row) => ({ delay_per_mile: row.distance ? (row.dep_delay as number) / (row.distance as number) : null }),
});

async function insert(workspace: Workspace, rows: [string, number, number, number, string][]): Promise<void> {
  for (const [code, at, delay, flights, hub] of rows) {
    await workspace.db.query('insert into carrier_events values ($1, $2, $3, $4, $5)', [code, new Date(at), delay, flights, hub]);
  }
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'resolved',
    (error: unknown) => (MlpError.isInstance(error) ? error.code : String(error)),
  );
}

const cases = [
  { name: 'workspace database (embedded)', engine: 'embedded' as const, redis: false },
  { name: 'workspace database (postgres)', engine: 'postgres' as const, redis: false },
  { name: 'redis', engine: 'postgres' as const, redis: true },
];

for (const { name, engine, redis } of cases) {
  describe(`materialise and serve online features: ${name}`, () => {
    let test: TestWorkspace;
    let online: OnlineFeatures;
    const keys = testRedisPrefix('serve');
    beforeAll(async () => {
      test = await openTestWorkspace(engine, 'mlp-features-serve-');
      const { workspace } = test;
      await workspace.db.query(
        'create table carrier_events (carrier text, ts timestamptz, dep_delay double precision, flights bigint, hub text)',
      );
      await insert(workspace, [
        ['AA', base, 5, 100, 'DFW'],
        ['AA', base + 2 * minute, 7.5, 101, 'DFW'],
        ['UA', base + minute, -2, 50, 'ORD'],
      ]);
      const registry = await openFeatureRegistry(workspace);
      await registry.apply([carrierStats, delayPerMile]);
      online = await openOnlineFeatures(workspace, {
        onDemand: [delayPerMile],
        viewCacheMs: 0,
        ...(redis ? { url: testRedisUrl(), keyPrefix: keys.prefix } : { url: 'workspace' }),
      });
    }, 60_000);
    afterAll(async () => {
      await online?.close();
      await test?.cleanup();
      await keys.drop();
    });

    it('materialises the newest row of each entity, then serves it; an unknown entity is null', async () => {
      expect(online.store.kind).toBe(redis ? 'redis' : 'workspace');
      const first = await online.materialize('carrier_stats', { to: base + 10 * minute });
      expect(first).toMatchObject({
        view: 'carrier_stats',
        version: 1,
        from: null,
        to: base + 10 * minute,
        rows: 2,
        written: 2,
        skipped: 0,
      });
      const read = await online.getOnlineFeatures({
        view: 'carrier_stats',
        entityKeys: [{ carrier: 'AA' }, { carrier: 'ZZ' }, { carrier: 'UA' }],
      });
      expect(read).toEqual([{ dep_delay: 7.5, flights: 101, hub: 'DFW' }, null, { dep_delay: -2, flights: 50, hub: 'ORD' }]);
    });

    it('materialises only what is newer than the last run, and reads the new source rows', async () => {
      await insert(test.workspace, [
        ['AA', base + 20 * minute, 9, 102, 'MIA'],
        ['DL', base + 21 * minute, 1, 10, 'ATL'],
        ['UA', base + 3 * minute, 99, 0, 'late'], // before the watermark: not materialised by a plain run
      ]);
      const progress: number[] = [];
      const second = await online.materialize('carrier_stats', { to: base + 30 * minute, onProgress: (p) => progress.push(p.rows) });
      expect(second).toMatchObject({ from: base + 10 * minute, to: base + 30 * minute, rows: 2, written: 2 });
      expect(progress.at(-1)).toBe(2);
      expect(
        await online.getOnlineFeatures({
          view: 'carrier_stats',
          entityKeys: [{ carrier: 'AA' }, { carrier: 'DL' }, { carrier: 'UA' }],
          features: ['hub'],
        }),
      ).toEqual([{ hub: 'MIA' }, { hub: 'ATL' }, { hub: 'ORD' }]);
      expect((await online.store.getWatermark('carrier_stats'))?.to).toBe(base + 30 * minute);
      // Nothing new: an empty run. An explicit range picks up the late row, and the watermark stays.
      expect(await online.materialize('carrier_stats', { to: base + 30 * minute })).toMatchObject({ rows: 0, written: 0 });
      expect(await online.materialize('carrier_stats', { from: base, to: base + 5 * minute })).toMatchObject({
        rows: 2,
        written: 1,
        skipped: 1,
      });
      expect(
        await online.getOnlineFeatures({ view: 'carrier_stats', entityKeys: [{ carrier: 'UA' }], features: ['hub', 'dep_delay'] }),
      ).toEqual([{ hub: 'late', dep_delay: 99 }]);
      expect((await online.store.getWatermark('carrier_stats'))?.to).toBe(base + 30 * minute);
    });

    it('computes on-demand features from the stored values and the request fields', async () => {
      const read = await online.getOnlineFeatures({
        view: 'carrier_stats',
        entityKeys: [
          { carrier: 'DL', distance: 4 },
          { carrier: 'ZZ', distance: 4 },
        ],
        features: ['delay_per_mile', 'flights'],
      });
      expect(read).toEqual([{ delay_per_mile: 0.25, flights: 10 }, null]);
    });

    it('refuses an unknown view or feature (NOT_FOUND) and an entity without its join key (INVALID_ARGUMENT)', async () => {
      expect(await codeOf(online.getOnlineFeatures({ view: 'nope', entityKeys: [{ carrier: 'AA' }] }))).toBe('NOT_FOUND');
      expect(await codeOf(online.getOnlineFeatures({ view: 'carrier_stats', entityKeys: [{ carrier: 'AA' }], features: ['nope'] }))).toBe(
        'NOT_FOUND',
      );
      expect(await codeOf(online.getOnlineFeatures({ view: 'carrier_stats', entityKeys: [{ code: 'AA' }] }))).toBe('INVALID_ARGUMENT');
      expect(await codeOf(online.materialize('nope'))).toBe('NOT_FOUND');
    });
  });
}
