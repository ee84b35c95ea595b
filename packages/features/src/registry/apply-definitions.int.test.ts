import { openTestWorkspace, type TestEngine, type TestWorkspace } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entity } from '../definitions/entity.js';
import { featureView } from '../definitions/feature-view.js';
import { type FeatureRegistryStore, openFeatureRegistry } from './open-feature-registry.js';

// apply's versioning and refusals, on the embedded engine and on a real PostgreSQL server.
const driver = entity({ name: 'driver', joinKeys: { driver_id: 'int64' } });
const stats = (overrides: Record<string, unknown> = {}) =>
  featureView({
    name: 'driver_stats',
    entities: [driver],
    source: { table: 'driver_events' },
    timestampColumn: 'ts',
    ttl: '1d',
    features: { rating: 'float64', trips: 'int64' },
    ...overrides,
  });

describe.each<TestEngine>(['embedded', 'postgres'])('apply on %s', (engine) => {
  let test: TestWorkspace;
  let registry: FeatureRegistryStore;
  beforeAll(async () => {
    test = await openTestWorkspace(engine, 'mlp-features-apply-');
    await test.workspace.db.query(
      'create table driver_events (driver_id bigint, ts timestamptz, rating double precision, trips integer, city text, at_ms bigint)',
    );
    registry = await openFeatureRegistry(test.workspace);
  });
  afterAll(async () => {
    await test?.cleanup();
  });

  it('versions views: identical is a no-op, a change the next version, both readable', async () => {
    expect(await registry.apply([stats()])).toEqual({
      entities: [{ name: 'driver', version: 1, status: 'created' }],
      views: [{ name: 'driver_stats', version: 1, status: 'created' }],
      onDemand: [],
    });
    expect((await registry.apply([stats()])).views).toEqual([{ name: 'driver_stats', version: 1, status: 'unchanged' }]);
    expect((await registry.apply([stats({ ttl: '2d' })], { dryRun: true })).views).toEqual([
      { name: 'driver_stats', version: 2, status: 'updated' },
    ]);
    expect((await registry.getView('driver_stats')).version).toBe(1);
    expect((await registry.apply([stats({ ttl: '2d', features: { rating: 'float64', trips: 'int64', city: 'string' } })])).views).toEqual([
      { name: 'driver_stats', version: 2, status: 'updated' },
    ]);
    const latest = await registry.getView('driver_stats');
    expect(latest).toMatchObject({
      version: 2,
      ttlMs: 172_800_000,
      joinKeys: [{ name: 'driver_id', type: 'int64' }],
      offlineTable: '"mlp_features"."driver_stats__v2"',
    });
    expect((await registry.getView('driver_stats', 1)).ttlMs).toBe(86_400_000);
    expect((await registry.listVersions('driver_stats')).map((view) => view.version)).toEqual([1, 2]);
    expect((await registry.listViews()).map((view) => [view.name, view.version])).toEqual([['driver_stats', 2]]);
    expect(await registry.listEntities()).toEqual([
      { name: 'driver', joinKeys: [{ name: 'driver_id', type: 'int64' }], description: null },
    ]);
  });

  it('refuses a type change unless forced, naming the feature', async () => {
    const changed = stats({ ttl: '2d', features: { rating: 'string', trips: 'int64', city: 'string' } });
    await expect(registry.apply([changed])).rejects.toMatchObject({
      code: 'FAILED_PRECONDITION',
      message: expect.stringContaining('rating (float64 → string)'),
    });
    expect((await registry.getView('driver_stats')).version).toBe(2);
    expect((await registry.apply([changed], { force: true })).views).toEqual([{ name: 'driver_stats', version: 3, status: 'updated' }]);
  });

  it('refuses a source without its timestamp column, keys or features, or with the wrong types', async () => {
    await expect(registry.apply([featureView({ ...baseInput(), name: 'no_ts', timestampColumn: 'when' })])).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(
        /no_ts: its source \(table driver_events\) does not fit: it has no timestamp column when.*Its columns are: driver_id, ts/,
      ),
    });
    await expect(
      registry.apply([
        featureView({ ...baseInput(), name: 'bad', timestampColumn: 'city', features: { trips: 'string', speed: 'float64' } }),
      ]),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/timestamp column city is .* not a timestamp.*no column for the feature speed/),
    });
    await expect(registry.apply([featureView({ ...baseInput(), name: 'typed', features: { rating: 'int64' } })])).rejects.toMatchObject({
      message: expect.stringContaining('the feature rating is'),
    });
    await expect(registry.apply([featureView({ ...baseInput(), name: 'gone', source: { table: 'nowhere' } })])).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(
      registry.apply([
        featureView({
          ...baseInput(),
          name: 'query_source',
          source: { query: 'select driver_id, at_ms, rating from driver_events' },
          timestampColumn: 'at_ms',
          features: { rating: 'float64' },
        }),
      ]),
    ).resolves.toMatchObject({
      views: [{ name: 'query_source', version: 1, status: 'created' }],
    });
    await expect(registry.getView('nope')).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('driver_stats') });
    await expect(registry.apply([])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

function baseInput() {
  return {
    name: 'x',
    entities: [driver],
    source: { table: 'driver_events' },
    timestampColumn: 'ts',
    ttl: 0,
    features: { rating: 'float64' as const },
  };
}
