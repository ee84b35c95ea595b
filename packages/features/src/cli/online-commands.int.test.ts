import { jsonConventionViolations, parseJsonOutput, workspaceCli } from '@mlp/cli';
import { openWorkspace, type Workspace } from '@mlp/core';
import { createTempDir, createTestDatabase, type TempDir, type TestDatabase } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entity } from '../definitions/entity.js';
import { featureView } from '../definitions/feature-view.js';
import { testRedisPrefix, testRedisUrl } from '../online/test-support/test-redis.js';
import { openFeatureRegistry } from '../registry/open-feature-registry.js';
import { featuresCommands } from './features-commands.js';
import type { featureRowJson, materializeJson } from './json-shapes.js';

// `mlp features materialize` and `get` through the features CLI module, on a real PostgreSQL, into the
// workspace database and into Redis.

let temp: TempDir;
let database: TestDatabase;
let workspace: Workspace;
const keys = testRedisPrefix('cli');
const hour = 3_600_000;
const base = Date.now() - 5 * hour;

beforeAll(async () => {
  temp = await createTempDir('mlp-features-cli-');
  database = await createTestDatabase();
  workspace = await openWorkspace({ dir: temp.path, logLevel: 'warn', database: { url: database.url } });
  await workspace.db.query('create table route_events (origin text, hour bigint, ts timestamptz, delay double precision)');
  await workspace.db.query('insert into route_events values ($1, 7, $2, 4.5), ($1, 7, $3, 6), ($4, 9, $2, 1)', [
    'JFK',
    new Date(base),
    new Date(base + hour),
    'LAX',
  ]);
  const route = entity({ name: 'route', joinKeys: { origin: 'string', hour: 'int64' } });
  await (await openFeatureRegistry(workspace)).apply([
    featureView({
      name: 'route_stats',
      entities: [route],
      source: { table: 'route_events' },
      timestampColumn: 'ts',
      ttl: '7d',
      features: { delay: 'float64' },
    }),
  ]);
}, 60_000);
afterAll(async () => {
  await workspace?.close();
  await database?.drop();
  await temp?.remove();
  await keys.drop();
});

const mlp = (env: Record<string, string>, ...args: string[]) =>
  workspaceCli({ dir: temp.path, databaseUrl: database.url, modules: [featuresCommands], env })(...args);

for (const store of ['workspace', 'redis'] as const) {
  describe(`mlp features materialize and get (${store} online store)`, () => {
    const env: Record<string, string> =
      store === 'redis' ? { MLP_FEATURES_ONLINE_URL: testRedisUrl(), MLP_FEATURES_ONLINE_KEY_PREFIX: keys.prefix } : {};
    it('materialises up to --to, then the rest from where it ended; get reads entities by --key', async () => {
      const first = await mlp(env, '--json', 'features', 'materialize', 'route_stats', '--to', new Date(base + 1).toISOString());
      expect(first.code, first.stderr).toBe(0);
      const json = parseJsonOutput<ReturnType<typeof materializeJson>>(first);
      expect(jsonConventionViolations(json)).toEqual([]);
      expect(json).toMatchObject({ view: 'route_stats', version: 1, store, rows: 2, written: 2 });
      const second = parseJsonOutput<ReturnType<typeof materializeJson>>(
        await mlp(env, '--json', 'features', 'materialize', 'route_stats'),
      );
      expect(second).toMatchObject({ from: base + 1, rows: 1, written: 1 });

      const got = await mlp(env, '--json', 'features', 'get', 'route_stats', '--key', 'origin=JFK,hour=7', '--key', 'origin=SFO,hour=7');
      expect(got.code, got.stderr).toBe(0);
      const read = parseJsonOutput<{ view: string; results: ReturnType<typeof featureRowJson>[] }>(got);
      expect(read).toEqual({
        view: 'route_stats',
        results: [
          { key: { origin: 'JFK', hour: '7' }, features: { delay: 6 } },
          { key: { origin: 'SFO', hour: '7' }, features: null },
        ],
      });
      const human = await mlp(env, 'features', 'get', 'route_stats', '--key', 'origin=LAX,hour=9');
      expect(human.stdout).toContain('1 of 1 entities found');
      expect(human.stdout).toMatch(/origin=LAX,hour=9\s+1/);
    });
  });
}

describe('mlp features materialize and get: refusals', () => {
  it('says what is wrong: no --key, a bad --key or time, an unknown view, an unreachable Redis', async () => {
    const none = await mlp({}, 'features', 'get', 'route_stats');
    expect(none.code).not.toBe(0);
    expect(none.stderr).toContain('--key carrier=AA');
    expect((await mlp({}, 'features', 'get', 'route_stats', '--key', 'JFK')).stderr).toContain('is not NAME=VALUE');
    expect((await mlp({}, 'features', 'materialize', 'route_stats', '--from', 'yesterday')).stderr).toContain(
      '--from "yesterday" is not a time',
    );
    const unknown = await mlp({}, 'features', 'get', 'nope', '--key', 'origin=JFK');
    expect(unknown.stderr).toContain('NOT_FOUND');
    const unreachable = { MLP_FEATURES_ONLINE_URL: 'redis://127.0.0.1:1' };
    for (const args of [
      ['get', 'route_stats', '--key', 'origin=JFK,hour=7'],
      ['materialize', 'route_stats'],
    ]) {
      const down = await mlp(unreachable, 'features', ...args);
      expect(down.code).not.toBe(0);
      expect(down.stderr).toContain('UNAVAILABLE');
      expect(down.stderr).toContain('127.0.0.1:1');
    }
    // The offline side does not need the online store.
    const listed = await mlp(unreachable, '--json', 'features', 'ls');
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain('route_stats');
  });
});
