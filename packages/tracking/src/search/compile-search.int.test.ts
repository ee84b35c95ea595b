import { createTestDatabase, type TestDatabase } from '@mlp/core/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CompileSearchOptions, compileSearch } from './compile-search.js';
import { nextPageToken } from './page-token.js';

// The tracking store's tables, as the search compiler expects them.
const schema = `
  create table tracking_runs (
    run_id text primary key, experiment_id bigint not null, name text, status text not null,
    start_time bigint not null, end_time bigint, lifecycle_stage text not null, user_id text not null, artifact_uri text not null);
  create table tracking_params (run_id text not null, key text not null, value text not null, primary key (run_id, key));
  create table tracking_tags (run_id text not null, key text not null, value text not null, primary key (run_id, key));
  create table tracking_latest_metrics (
    run_id text not null, key text not null, value double precision, timestamp bigint not null, step bigint not null,
    is_nan boolean not null, primary key (run_id, key));`;

interface FixtureRun {
  id: string;
  experiment: number;
  name: string;
  status: string;
  start: number;
  end: number | null;
  user: string;
  params: Record<string, string>;
  metrics: Record<string, number>;
  tags: Record<string, string>;
}

const t0 = 1_700_000_000_000;
const models = ['', 'LinearRegression', 'RandomForest', 'lr_net'];

function fixtureRun(i: number): FixtureRun {
  const status = i % 3 === 0 ? 'FAILED' : i % 5 === 0 ? 'RUNNING' : 'FINISHED';
  const start = t0 + (i % 7) * 1000; // repeats, so the run_id tie-breaker matters
  const name = i === 4 ? 'Best Trial' : `trial-${i}`;
  const params: Record<string, string> = { lr: ['0.1', '0.01', '0.001'][i % 3]! };
  if (i % 4 !== 0) params.model = models[i % 4]!;
  if (i === 7) params[`it's "quoted"`] = `o'brien "x"`;
  const metrics: Record<string, number> = { acc: i / 20 };
  // rmse: NaN for run09, missing for run13 (started later, so only the NaN rank puts it after run09),
  // +Infinity for run07, -Infinity for run08, 0 for run12.
  if (i !== 13)
    metrics.rmse = i === 9 ? Number.NaN : i === 7 ? Number.POSITIVE_INFINITY : i === 8 ? Number.NEGATIVE_INFINITY : (i - 12) / 4;
  const tags: Record<string, string> = { 'mlflow.runName': name };
  if (i <= 15) tags.env = i <= 10 ? 'prod' : 'dev';
  if (i % 2 === 1) tags.team = 'ML-Team';
  const id = `run${String(i).padStart(2, '0')}`;
  return {
    id,
    experiment: 1,
    name,
    status,
    start,
    end: status === 'RUNNING' ? null : start + i * 10,
    user: i % 2 ? 'alice' : 'bob',
    params,
    metrics,
    tags,
  };
}

const runs = Array.from({ length: 20 }, (_, index) => fixtureRun(index + 1));
// Runs of another experiment that match many filters: the caller's scope must keep them out.
const others: FixtureRun[] = [
  { ...fixtureRun(1), id: 'other1', experiment: 2 },
  { ...fixtureRun(2), id: 'other2', experiment: 2 },
];

let database: TestDatabase;
let client: pg.Client;

beforeAll(async () => {
  database = await createTestDatabase('mlp_search');
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
  // Where the server has ICU, give param values a natural-language collation, so the test shows
  // that ordering still goes by code point whatever collation the store's columns have.
  const icu = await client.query("select 1 from pg_collation where collname = 'und-x-icu'");
  await client.query(
    icu.rowCount
      ? schema.replace(
          'key text not null, value text not null, primary key',
          'key text not null, value text collate "und-x-icu" not null, primary key',
        )
      : schema,
  );
  for (const run of [...runs, ...others]) {
    await client.query('insert into tracking_runs values ($1, $2, $3, $4, $5, $6, $7, $8, $9)', [
      run.id,
      run.experiment,
      run.name,
      run.status,
      run.start,
      run.end,
      'active',
      run.user,
      `file:///artifacts/${run.id}`,
    ]);
    for (const [key, value] of Object.entries(run.params))
      await client.query('insert into tracking_params values ($1, $2, $3)', [run.id, key, value]);
    for (const [key, value] of Object.entries(run.tags))
      await client.query('insert into tracking_tags values ($1, $2, $3)', [run.id, key, value]);
    for (const [key, value] of Object.entries(run.metrics)) {
      // NaN is stored as NULL with is_nan; infinities as PostgreSQL's own Infinity.
      await client.query('insert into tracking_latest_metrics values ($1, $2, $3, 0, 0, $4)', [
        run.id,
        key,
        Number.isNaN(value) ? null : value,
        Number.isNaN(value),
      ]);
    }
  }
});

afterAll(async () => {
  await client?.end();
  await database?.drop();
});

// Conditions no fixture run fails: appended, they take any filter past existsClausesMax, so every
// case below also checks the one-subquery-per-kind form against the EXISTS form.
const manyClausePadding = ['params.`no such 1`', 'params.`no such 2`', 'tags.`no such 3`', 'tags.`no such 4`']
  .map((key) => `${key} IS NULL`)
  .join(' and ');

/** Runs the compiled search the way the store does (experiment ids first, as $1), in both forms; they must agree. */
async function search(
  options: CompileSearchOptions,
  experiments: number[] = [1],
): Promise<{ ids: string[]; offset: number; limit: number }> {
  const plain = await searchOnce(options, experiments);
  const filter = options.filter?.trim() ? `${options.filter} and ${manyClausePadding}` : manyClausePadding;
  const padded = await searchOnce({ ...options, filter }, experiments);
  expect(padded.ids).toEqual(plain.ids);
  return plain;
}

async function searchOnce(options: CompileSearchOptions, experiments: number[]): Promise<{ ids: string[]; offset: number; limit: number }> {
  const compiled = compileSearch({ ...options, paramOffset: 1 });
  const n = compiled.params.length;
  const sql = `select r.run_id from tracking_runs r where r.experiment_id = any($1::bigint[]) and (${compiled.where})
    order by ${compiled.orderBy} limit $${n + 2} offset $${n + 3}`;
  const result = await client.query<{ run_id: string }>(sql, [experiments, ...compiled.params, compiled.limit, compiled.offset]);
  return { ids: result.rows.map((row) => row.run_id), offset: compiled.offset, limit: compiled.limit };
}

async function ids(filter: string, orderBy?: string[]): Promise<string[]> {
  return (await search({ filter, orderBy })).ids;
}

type SortValue = number | string | undefined;

/** A reference ordering written from MLflow's rules: missing last, NaN just before, then start_time DESC, run_id. */
function ordered(list: FixtureRun[], keys: { get: (run: FixtureRun) => SortValue; ascending: boolean }[] = []): string[] {
  const rank = (value: SortValue) => (value === undefined || value === null ? 2 : Number.isNaN(value) ? 1 : 0);
  const compare = (a: SortValue, b: SortValue) => (a! < b! ? -1 : a! > b! ? 1 : 0);
  return [...list]
    .sort((a, b) => {
      for (const key of keys) {
        const va = key.get(a);
        const vb = key.get(b);
        if (rank(va) !== rank(vb)) return rank(va) - rank(vb);
        const order = rank(va) === 0 ? compare(va, vb) : 0;
        if (order !== 0) return key.ascending ? order : -order;
      }
      return b.start - a.start || compare(a.id, b.id);
    })
    .map((run) => run.id);
}

const where = (predicate: (run: FixtureRun) => boolean) => ordered(runs.filter(predicate));

describe('compiled search against PostgreSQL: filters', () => {
  it('returns every run of the experiment without a filter, in MLflow natural order', async () => {
    const all = await ids('');
    expect(all).toEqual(ordered(runs));
    expect(all).toHaveLength(20);
  });

  it.each<[string, (run: FixtureRun) => boolean]>([
    ['metrics.rmse < 0', (r) => r.metrics.rmse !== undefined && r.metrics.rmse < 0],
    ['metrics.rmse >= 1.5', (r) => r.metrics.rmse !== undefined && r.metrics.rmse >= 1.5],
    ['metrics.rmse = 0', (r) => r.metrics.rmse === 0],
    ['metrics.rmse != 0', (r) => r.metrics.rmse !== undefined && r.metrics.rmse !== 0],
    [
      'metrics.rmse > -1e300 and metrics.rmse <= 1.25e0',
      (r) => r.metrics.rmse !== undefined && r.metrics.rmse > -1e300 && r.metrics.rmse <= 1.25,
    ],
    ['metrics.acc > 0.5 and attributes.user_id = "alice"', (r) => r.metrics.acc! > 0.5 && r.user === 'alice'],
    ["params.model = 'LinearRegression'", (r) => r.params.model === 'LinearRegression'],
    ["params.model != 'LinearRegression'", (r) => r.params.model !== undefined && r.params.model !== 'LinearRegression'],
    ["params.model LIKE '%Re%'", (r) => /Re/.test(r.params.model ?? '')],
    ["params.model ILIKE '%re%'", (r) => /re/i.test(r.params.model ?? '')],
    ["params.model LIKE 'lr\\_n%'", (r) => r.params.model === 'lr_net'],
    ["params.lr LIKE '0.0_'", (r) => r.params.lr === '0.01'],
    ['params.model IS NULL', (r) => r.params.model === undefined],
    ['params.model IS NOT NULL', (r) => r.params.model !== undefined],
    ["tags.env = 'prod' and attributes.status = 'FAILED'", (r) => r.tags.env === 'prod' && r.status === 'FAILED'],
    ["tags.env != 'prod'", (r) => r.tags.env === 'dev'],
    ["tags.team ILIKE 'ml-team'", (r) => r.tags.team === 'ML-Team'],
    ["tags.team LIKE 'ml-team'", () => false],
    ['tags.env IS NULL and tags.team IS NOT NULL', (r) => r.tags.env === undefined && r.tags.team !== undefined],
    ["attributes.run_id IN ('run01', 'run05', 'nope')", (r) => r.id === 'run01' || r.id === 'run05'],
    ["run_id NOT IN ('run01', 'run05')", (r) => r.id !== 'run01' && r.id !== 'run05'],
    [`attributes.end_time > ${t0 + 3000}`, (r) => r.end !== null && r.end > t0 + 3000],
    ['attributes.end_time != 0', (r) => r.end !== null],
    [`attributes.start_time >= ${t0 + 3000}`, (r) => r.start >= t0 + 3000],
    [`attributes.created < ${t0 + 2000}.5`, (r) => r.start < t0 + 2000.5],
    [`start_time = ${t0 + 4000} and status != 'RUNNING'`, (r) => r.start === t0 + 4000 && r.status !== 'RUNNING'],
    ["attributes.run_name = 'Best Trial'", (r) => r.name === 'Best Trial'],
    ["attributes.`Run Name` ILIKE 'TRIAL-1%'", (r) => r.name.startsWith('trial-1')],
    ["tags.mlflow.runName = 'Best Trial'", (r) => r.name === 'Best Trial'],
    ['tags."mlflow.runName" LIKE \'trial-2%\'', (r) => r.name.startsWith('trial-2')],
    [`params.\`it's "quoted"\` = 'o''brien "x"'`, (r) => r.id === 'run07'],
    [`params."it's ""quoted""" = "o'brien \\"x\\""`, (r) => r.id === 'run07'],
  ])('%s', async (filter, predicate) => {
    const expected = where(predicate);
    expect(await ids(filter)).toEqual(expected);
  });

  it('reads NaN, infinities and a missing metric as MLflow does', async () => {
    // NaN equals nothing and differs from everything; -Infinity is below every number.
    expect(await ids('metrics.rmse < -1e308')).toEqual(['run08']);
    expect(await ids('metrics.rmse > 1e308')).toEqual(['run07']);
    expect(await ids('metrics.rmse != 1')).toContain('run09');
    expect(await ids('metrics.rmse >= -1e308 and metrics.rmse <= 1e308')).not.toContain('run09');
    expect(await ids('metrics.rmse = 0')).toEqual(['run12']);
    expect(await ids('metrics.rmse != 1')).not.toContain('run13');
  });

  it('keeps runs of other experiments out, and lets the caller widen the scope', async () => {
    expect((await search({ filter: "params.lr = '0.01'" })).ids).not.toContain('other1');
    expect((await search({ filter: "params.lr = '0.01'" }, [1, 2])).ids).toContain('other1');
  });

  it('treats injection attempts as plain values and keys', async () => {
    expect(await ids("params.x = 'a''; drop table tracking_runs; --'")).toEqual([]);
    expect(await ids(`params."x'; drop table tracking_runs; --" = 'a'`)).toEqual([]);
    expect(await ids("tags.`a') or true or ('` = 'b'")).toEqual([]);
    expect(await ids("params.model = ''' or 1=1 --'")).toEqual([]);
    expect(await ids('metrics.rmse > 0', ["tags.`x'); drop table tracking_tags; --` DESC"])).toHaveLength(
      runs.filter((r) => r.metrics.rmse! > 0).length,
    );
    const counts = await client.query<{ runs: string; tags: string }>(
      'select (select count(*) from tracking_runs) as runs, (select count(*) from tracking_tags) as tags',
    );
    expect(Number(counts.rows[0]!.runs)).toBe(22);
    expect(Number(counts.rows[0]!.tags)).toBeGreaterThan(40);
  });
});

describe('compiled search against PostgreSQL: order_by', () => {
  const rmse = (r: FixtureRun) => r.metrics.rmse;
  const model = (r: FixtureRun) => r.params.model;

  it("orders a metric ascending with NaN, then missing, last (MLflow's test_order_by_metric_with_nans_infs_nones)", async () => {
    const result = await ids('', ['metrics.rmse ASC']);
    expect(result.slice(0, 2)).toEqual(['run08', 'run01']); // -Infinity, then the smallest number
    expect(result.slice(-3)).toEqual(['run07', 'run09', 'run13']); // +Infinity, NaN, missing
    expect(result).toEqual(ordered(runs, [{ get: rmse, ascending: true }]));
  });

  it('orders a metric descending with NaN, then missing, still last', async () => {
    const result = await ids('', ['metrics.rmse DESC']);
    expect(result.slice(0, 2)).toEqual(['run07', 'run20']);
    expect(result.slice(-3)).toEqual(['run08', 'run09', 'run13']);
    expect(result).toEqual(ordered(runs, [{ get: rmse, ascending: false }]));
  });

  it.each<[string[], { get: (run: FixtureRun) => SortValue; ascending: boolean }[]]>([
    [['params.model'], [{ get: model, ascending: true }]],
    [['params.model DESC'], [{ get: model, ascending: false }]],
    [
      ['tags.env', 'metrics.acc DESC'],
      [
        { get: (r) => r.tags.env, ascending: true },
        { get: (r) => r.metrics.acc, ascending: false },
      ],
    ],
    [['attributes.end_time ASC'], [{ get: (r) => r.end ?? undefined, ascending: true }]],
    [['attributes.end_time DESC'], [{ get: (r) => r.end ?? undefined, ascending: false }]],
    [['attributes.start_time ASC'], [{ get: (r) => r.start, ascending: true }]],
    [
      ['attributes.status', 'params.lr DESC'],
      [
        { get: (r) => r.status, ascending: true },
        { get: (r) => r.params.lr, ascending: false },
      ],
    ],
    [['attributes.run_name DESC'], [{ get: (r) => r.name, ascending: false }]],
    [['tags.noSuchTag'], []],
    [['run_id DESC'], [{ get: (r) => r.id, ascending: false }]],
  ])('%j', async (orderBy, keys) => {
    expect(await ids('', orderBy)).toEqual(ordered(runs, keys));
  });

  it('sorts text by code point: uppercase before lowercase', async () => {
    const result = await ids('params.model IS NOT NULL', ['params.model ASC']);
    const values = result.map((id) => runs.find((r) => r.id === id)!.params.model);
    expect([...new Set(values)]).toEqual(['LinearRegression', 'RandomForest', 'lr_net']);
  });
});

describe('compiled search against PostgreSQL: pages', () => {
  async function allPages(options: CompileSearchOptions): Promise<{ pages: string[][]; tokens: number }> {
    const pages: string[][] = [];
    let pageToken: string | undefined;
    let tokens = 0;
    for (let guard = 0; guard < 100; guard++) {
      const page = await search({ ...options, pageToken });
      pages.push(page.ids);
      pageToken = nextPageToken(page.offset, page.limit, page.ids.length);
      if (pageToken === undefined) return { pages, tokens };
      tokens++;
    }
    throw new Error('pagination did not end');
  }

  it.each<[string, CompileSearchOptions]>([
    ['natural order, 3 a page', { maxResults: 3 }],
    ['natural order, 5 a page (an exact fit ends with an empty page, as in MLflow)', { maxResults: 5 }],
    ['a metric with ties, NaN and missing values', { maxResults: 4, orderBy: ['metrics.rmse DESC'] }],
    ['a param with ties and missing values', { maxResults: 3, orderBy: ['params.model', 'tags.env DESC'] }],
    ['a filter', { maxResults: 2, filter: "tags.env IS NOT NULL and params.lr != '0.1'", orderBy: ['attributes.status'] }],
    ['one page', { maxResults: 1000 }],
    ['one run a page', { maxResults: 1, orderBy: ['params.lr'] }],
  ])('walks every run once: %s', async (_name, options) => {
    const { pages } = await allPages(options);
    const walked = pages.flat();
    const whole = (await search({ ...options, maxResults: 1000 })).ids;
    expect(walked).toEqual(whole);
    expect(new Set(walked).size).toBe(walked.length);
    for (const page of pages) expect(page.length).toBeLessThanOrEqual(options.maxResults ?? 1000);
    if (!options.filter) expect(new Set(walked)).toEqual(new Set(runs.map((r) => r.id)));
  });

  it('ends an exact fit with an empty page, and a partial last page with no token', async () => {
    const exact = await allPages({ maxResults: 5 });
    expect(exact.pages.map((page) => page.length)).toEqual([5, 5, 5, 5, 0]);
    const partial = await allPages({ maxResults: 3 });
    expect(partial.pages.map((page) => page.length)).toEqual([3, 3, 3, 3, 3, 3, 2]);
    expect(partial.tokens).toBe(6);
  });
});
