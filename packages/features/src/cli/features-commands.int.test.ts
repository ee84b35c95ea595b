import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type CapturedRun, jsonConventionViolations, parseJsonOutput, workspaceCli } from '@mlp/cli';
import { createTempDir, createTestDatabase, type TempDir, type TestDatabase } from '@mlp/core/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { applyJson, trainingSetJson, viewJson } from './json-shapes.js';

// The built `mlp` binary as users run it, with the built @mlp/features and @mlp/data-version it finds
// installed, on a fresh database of the real PostgreSQL server. Build first (npm run build).
const root = path.resolve(import.meta.dirname, '../../../..');
const featuresDist = pathToFileURL(path.join(root, 'packages/features/dist/index.js')).href;

let temp: TempDir;
let database: TestDatabase;

const mlp = (...args: string[]) => workspaceCli({ dir: temp.path, databaseUrl: database.url })(...args);

function json<T>(result: CapturedRun): T {
  if (result.code !== 0) throw new Error(`mlp exited ${result.code}: ${result.stderr} ${result.stdout}`);
  return parseJsonOutput<T>(result);
}

const definitions = (ratingType: string) => `
import { entity, featureView } from '${featuresDist}';
const driver = entity({ name: 'driver', joinKeys: { driver_id: 'int64' } });
const city = entity({ name: 'city', joinKeys: ['city'] });
export const driverStats = featureView({
  name: 'driver_stats', entities: [driver], source: { table: 'driver_events' },
  timestampColumn: 'ts', ttl: '2h', features: { rating: '${ratingType}', trips: 'int64' },
});
export default [city, featureView({
  name: 'city_stats', entities: [city], source: { dataset: 'cities@latest' },
  timestampColumn: 'day', ttl: 0, features: { demand: 'float64' },
})];
`;

beforeAll(async () => {
  for (const built of [
    path.join(root, 'packages/cli/dist/bin.js'),
    new URL(featuresDist).pathname,
    path.join(root, 'packages/features/dist/cli.js'),
  ]) {
    if (!existsSync(built)) throw new Error(`${built} is missing: build first (npm run build).`);
  }
  temp = await createTempDir('mlp-features-cli-');
  database = await createTestDatabase();
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    await client.query('create table driver_events (driver_id bigint, ts timestamptz, rating double precision, trips bigint)');
    await client.query(
      `insert into driver_events values (1, '2026-01-01T10:00:00Z', 4.0, 10), (1, '2026-01-01T11:00:00Z', 4.5, 11), (2, '2026-01-01T08:00:00Z', 5.0, 20)`,
    );
  } finally {
    await client.end();
  }
  await writeFile(path.join(temp.path, 'cities-raw.csv'), 'city,day,demand\nparis,2026-01-01 06:00:00,1.5\nrome,2026-01-01 00:00:00,0.5\n');
  await writeFile(
    path.join(temp.path, 'entities.csv'),
    'driver_id,city,event_timestamp,label\n1,paris,2026-01-01 10:30:00,1\n2,rome,2026-01-01 10:30:00,0\n3,oslo,2026-01-01 10:30:00,1\n',
  );
  await writeFile(path.join(temp.path, 'features.mjs'), definitions('float64'));
  await writeFile(path.join(temp.path, 'features-changed.mts'), definitions('string'));
}, 120_000);
afterAll(async () => {
  await database?.drop();
  await temp?.remove();
});

describe('mlp features (built CLI, real PostgreSQL)', () => {
  it('applies definitions from a module, versioned: again a no-op, a type change refused', async () => {
    expect(json(await mlp('data', 'ingest', 'cities-raw.csv', '--to', 'data/cities.csv', '--name', 'cities', '--json'))).toBeTruthy();
    const first = json<ReturnType<typeof applyJson>>(await mlp('--json', 'features', 'apply', 'features.mjs'));
    expect(jsonConventionViolations(first)).toEqual([]);
    expect([...first.views].sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: 'city_stats', version: 1, status: 'created' },
      { name: 'driver_stats', version: 1, status: 'created' },
    ]);
    expect(first.entities.map((item) => item.name).sort()).toEqual(['city', 'driver']);
    const again = json<ReturnType<typeof applyJson>>(await mlp('--json', 'features', 'apply', 'features.mjs'));
    expect(again.views.map((item) => item.status)).toEqual(['unchanged', 'unchanged']);
    const refused = await mlp('features', 'apply', 'features-changed.mts');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/FAILED_PRECONDITION.*rating \(float64 → string\)/);
  });

  it('lists and shows views', async () => {
    const listed = json<{ views: ReturnType<typeof viewJson>[] }>(await mlp('--json', 'features', 'ls'));
    expect(jsonConventionViolations(listed)).toEqual([]);
    expect(listed.views.map((view) => [view.name, view.version])).toEqual([
      ['city_stats', 1],
      ['driver_stats', 1],
    ]);
    const shown = json<ReturnType<typeof viewJson> & { versions: unknown[] }>(await mlp('--json', 'features', 'show', 'driver_stats'));
    expect(shown).toMatchObject({
      name: 'driver_stats',
      ttl_ms: 7_200_000,
      timestamp_column: 'ts',
      features: [
        { name: 'rating', type: 'float64' },
        { name: 'trips', type: 'int64' },
      ],
    });
    const missing = await mlp('features', 'show', 'nope');
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/NOT_FOUND.*city_stats, driver_stats/);
    expect((await mlp('features', 'ls')).stdout).toContain('driver_stats');
  });

  it('writes a point-in-time training set as CSV and versions it as a dataset', async () => {
    const result = json<ReturnType<typeof trainingSetJson>>(
      await mlp(
        '--json',
        'features',
        'training-set',
        '--entities',
        'entities.csv',
        '--features',
        'driver_stats:rating',
        'city_stats',
        '--out',
        'data/train.csv',
        '--dataset',
        'driver-train',
      ),
    );
    expect(jsonConventionViolations(result)).toEqual([]);
    expect(result).toMatchObject({ rows: 3, format: 'csv', dataset: { ref: 'driver-train@1' } });
    expect(result.views.find((view) => view.name === 'city_stats')?.dataset_version).toMatchObject({ ref: 'cities@1' });
    const csv = await readFile(path.join(temp.path, 'data/train.csv'), 'utf8');
    expect(csv.trim().split('\n')).toEqual([
      'driver_id,city,event_timestamp,label,rating,demand',
      '1,paris,2026-01-01T10:30:00.000Z,1,4,1.5',
      '2,rome,2026-01-01T10:30:00.000Z,0,,0.5',
      '3,oslo,2026-01-01T10:30:00.000Z,1,,',
    ]);
    const shown = json<{ source?: { kind: string; uri: string } }>(await mlp('--json', 'data', 'show', 'driver-train@1'));
    expect(JSON.stringify(shown)).toContain('features:driver_stats@1,city_stats@1');
    const bad = await mlp('features', 'training-set', '--entities', 'entities.csv', '--features', 'driver_stats:speed', '--out', 'x.csv');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/NOT_FOUND.*no feature speed/);
  });
});
