import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseJsonOutput, workspaceCli } from '@mlp/cli';
import { createTempDir, createTestDatabase, type TempDir, type TestDatabase } from '@mlp/core/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Issue 18's "done when": a training set built from a feature view trains the flights example. The
// built `mlp` (with the built features, data-version and train packages) on a real PostgreSQL: 2,000
// vega-datasets flights, a view of each origin's delays per day (known from the next midnight), a
// point-in-time training set versioned as a dataset, and `mlp train` on `flights-train@latest`.
const root = path.resolve(import.meta.dirname, '../../../..');
const featuresDist = pathToFileURL(path.join(root, 'packages/features/dist/index.js')).href;
const day = 86_400_000;

interface Flight {
  date: string;
  delay: number;
  distance: number;
  origin: string;
  destination: string;
}

let temp: TempDir;
let database: TestDatabase;
let flights: (Flight & { at: number })[];

const mlp = (...args: string[]) => workspaceCli({ dir: temp.path, databaseUrl: database.url })(...args);

beforeAll(async () => {
  for (const built of [
    path.join(root, 'packages/cli/dist/bin.js'),
    new URL(featuresDist).pathname,
    path.join(root, 'packages/train/dist/cli.js'),
  ]) {
    if (!existsSync(built)) throw new Error(`${built} is missing: build first (npm run build).`);
  }
  temp = await createTempDir('mlp-features-flights-');
  database = await createTestDatabase();
  const raw = JSON.parse(await readFile(path.join(root, 'node_modules/vega-datasets/data/flights-2k.json'), 'utf8')) as Flight[];
  // the dataset's times are local clock times without a zone: read as UTC
  flights = raw.map((flight) => ({ ...flight, at: Date.parse(`${flight.date.replaceAll('/', '-').replace(' ', 'T')}:00Z`) }));
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    await client.query(
      'create table flights (date timestamptz, delay double precision, distance double precision, origin text, destination text)',
    );
    await client.query('insert into flights select * from unnest($1::timestamptz[], $2::float8[], $3::float8[], $4::text[], $5::text[])', [
      flights.map((f) => new Date(f.at)),
      flights.map((f) => f.delay),
      flights.map((f) => f.distance),
      flights.map((f) => f.origin),
      flights.map((f) => f.destination),
    ]);
  } finally {
    await client.end();
  }
  const csv = [
    'origin,date,delay,distance,destination',
    ...flights.map((f) => `${f.origin},${new Date(f.at).toISOString()},${f.delay},${f.distance},${f.destination}`),
  ];
  await writeFile(path.join(temp.path, 'flights.csv'), `${csv.join('\n')}\n`);
  await writeFile(
    path.join(temp.path, 'features.mjs'),
    `import { entity, featureView } from '${featuresDist}';
const origin = entity({ name: 'origin', joinKeys: ['origin'] });
// a day's delays are known once it is over: stamped with the next midnight, so no flight sees its own day
export const originDaily = featureView({
  name: 'origin_daily', entities: [origin], timestampColumn: 'day', ttl: '7d',
  source: { query: "select origin, date_trunc('day', date at time zone 'UTC') + interval '1 day' as day, avg(delay) as avg_delay, count(*)::bigint as day_flights from flights group by 1, 2" },
  features: { avg_delay: 'float64', day_flights: 'int64' },
});
`,
  );
  await writeFile(
    path.join(temp.path, 'spec.yaml'),
    `experiment: flights-features
data: flights-train@latest
target: { name: late, expression: delay > 15 }
task: binary
features:
  - distance
  - { name: origin, type: categorical, maxCategories: 20 }
  - avg_delay
  - day_flights
split: { method: random, validation: 0.1, test: 0.2 }
model: { type: mlp, hiddenUnits: [8] }
epochs: 1
batchSize: 256
seed: 7
`,
  );
}, 120_000);
afterAll(async () => {
  await database?.drop();
  await temp?.remove();
});

describe('a training set from a feature view trains the flights example', () => {
  it('builds the point-in-time training set, versions it, and mlp train reads it by name', async () => {
    expect((await mlp('features', 'apply', 'features.mjs')).code).toBe(0);
    const built = await mlp(
      '--json',
      'features',
      'training-set',
      '--entities',
      'flights.csv',
      '--timestamp-column',
      'date',
      '--features',
      'origin_daily',
      '--out',
      'data/flights-train.csv',
      '--dataset',
      'flights-train',
    );
    expect(built.code, built.stderr).toBe(0);
    expect(parseJsonOutput(built)).toMatchObject({ rows: 2000, dataset: { ref: 'flights-train@1' } });

    // every row's avg_delay: the mean delay of its origin's latest earlier day within 7 days, computed here by hand
    const lines = (await readFile(path.join(temp.path, 'data/flights-train.csv'), 'utf8')).trim().split('\n');
    expect(lines[0]).toBe('origin,date,delay,distance,destination,avg_delay,day_flights');
    const got = lines.slice(1).map((line) => line.split(','));
    let checked = 0;
    flights.forEach((flight, index) => {
      const today = Math.floor(flight.at / day) * day;
      const earlier = flights.filter(
        (other) =>
          other.origin === flight.origin &&
          Math.floor(other.at / day) * day < today &&
          Math.floor(other.at / day) * day + day >= flight.at - 7 * day,
      );
      const latestDay = Math.max(...earlier.map((other) => Math.floor(other.at / day) * day));
      const sameDay = earlier.filter((other) => Math.floor(other.at / day) * day === latestDay);
      const row = got[index] as string[];
      if (sameDay.length === 0) expect(row.slice(5)).toEqual(['', '']);
      else {
        expect(Number(row[5])).toBeCloseTo(sameDay.reduce((sum, other) => sum + other.delay, 0) / sameDay.length, 9);
        expect(Number(row[6])).toBe(sameDay.length);
        checked += 1;
      }
    });
    expect(checked).toBeGreaterThan(1000);

    const trained = await mlp('--json', 'train', 'spec.yaml');
    expect(trained.code, trained.stderr).toBe(0);
    const result = parseJsonOutput<{ best_run_id: string; best_metrics: Record<string, number> }>(trained);
    expect(result.best_run_id).toMatch(/^[0-9a-f]{32}$/);
    expect(result.best_metrics.test_auc).toBeGreaterThan(0);
    // the dataset version records what it was built from
    const runs = await mlp('--json', 'data', 'show', 'flights-train@1');
    expect(runs.stdout).toContain('features:origin_daily@1');
  });
});
