import { MlpError } from '@mlp/core';
import { describe, expect, it } from 'vitest';
import { compileSearch } from './compile-search.js';
import { encodePageToken } from './page-token.js';

function errorOf(run: () => unknown): MlpError {
  try {
    run();
  } catch (error) {
    if (MlpError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected an MlpError, but nothing was thrown');
}

/** The placeholder numbers a SQL fragment uses. */
function placeholders(sql: string): number[] {
  return [...sql.matchAll(/\$(\d+)/g)].map((match) => Number(match[1]));
}

describe('compileSearch', () => {
  it('matches every run in MLflow natural order when given nothing', () => {
    expect(compileSearch()).toEqual({
      where: 'true',
      orderBy: 'r.start_time desc nulls last, r.run_id collate "C" asc',
      limit: 1000,
      offset: 0,
      params: [],
    });
  });

  it('numbers parameters after paramOffset and uses each one', () => {
    const compiled = compileSearch({
      filter: "metrics.rmse < 1 and params.lr = '0.1' and tags.env IS NULL and run_id IN ('a', 'b') and start_time > 5",
      orderBy: ['metrics.rmse DESC', 'params.lr'],
      paramOffset: 2,
    });
    expect(compiled.params).toEqual(['rmse', 1, 'lr', '0.1', 'env', ['a', 'b'], 5, 'rmse', 'lr']);
    const used = new Set([...placeholders(compiled.where), ...placeholders(compiled.orderBy)]);
    expect([...used].sort((a, b) => a - b)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('starts at $1 without an offset', () => {
    const { where, params } = compileSearch({ filter: "params.a = 'x'" });
    expect(placeholders(where)).toEqual([1, 2]);
    expect(params).toEqual(['a', 'x']);
  });

  it('never puts user text into the SQL, keys included', () => {
    const filter = `params."k'; drop table tracking_runs; --" = 'v''; drop table tracking_runs; --' and tags.\`"evil"\` LIKE '%$1%' and attributes.status != 'x"y'`;
    const compiled = compileSearch({ filter, orderBy: ['tags."o\'rder; delete from x"'] });
    const sql = `${compiled.where} ${compiled.orderBy}`;
    expect(sql).not.toMatch(/drop|evil|delete|order;|x"y/i);
    expect(compiled.params).toEqual([
      "k'; drop table tracking_runs; --",
      "v'; drop table tracking_runs; --",
      '"evil"',
      '%$1%',
      'x"y',
      "o'rder; delete from x",
    ]);
    // Only our own quoting appears: the "C" collation.
    expect(sql.replaceAll('collate "C"', '')).not.toMatch(/['"`;]/);
  });

  it('compiles each kind of condition', () => {
    const where = (filter: string) => compileSearch({ filter }).where;
    expect(where("params.a = 'x'")).toBe(
      'exists (select 1 from tracking_params p where p.run_id = r.run_id and p.key = $1 and p.value = $2)',
    );
    expect(where("tags.a ILIKE 'x%'")).toBe(
      'exists (select 1 from tracking_tags t where t.run_id = r.run_id and t.key = $1 and t.value ilike $2)',
    );
    expect(where('tags.a IS NULL')).toBe('not exists (select 1 from tracking_tags t where t.run_id = r.run_id and t.key = $1)');
    expect(where('params.a IS NOT NULL')).toBe('exists (select 1 from tracking_params p where p.run_id = r.run_id and p.key = $1)');
    expect(where('metrics.m >= 2')).toBe(
      'exists (select 1 from tracking_latest_metrics m where m.run_id = r.run_id and m.key = $1 and m.is_nan is not true and m.value >= $2::double precision)',
    );
    expect(where('metrics.m != 2')).toBe(
      'exists (select 1 from tracking_latest_metrics m where m.run_id = r.run_id and m.key = $1 and (m.is_nan is true or m.value <> $2::double precision))',
    );
    expect(where("attributes.run_name LIKE 'a%'")).toBe('r.name like $1');
    expect(where('attributes.end_time <= 10')).toBe('r.end_time <= $1::numeric');
    expect(where("run_id NOT IN ('a')")).toBe('r.run_id <> all($1::text[])');
    expect(where("metrics.a > 1 and status = 'FAILED'")).toBe(
      'exists (select 1 from tracking_latest_metrics m where m.run_id = r.run_id and m.key = $1 and m.is_nan is not true and m.value > $2::double precision) and r.status = $3',
    );
  });

  it('compiles attribute conditions to column comparisons', () => {
    const where = (filter: string) => compileSearch({ filter }).where;
    expect(where("attributes.run_name LIKE 'a%'")).toBe('r.name like $1');
    expect(where('attributes.end_time <= 10')).toBe('r.end_time <= $1::numeric');
    expect(where("run_id NOT IN ('a')")).toBe('r.run_id <> all($1::text[])');
    expect(where("status = 'FAILED' and run_id IN ('a')")).toBe('r.status = $1 and r.run_id = any($2::text[])');
  });

  it('checks all conditions of one kind in one subquery, the clauses as arrays', () => {
    const compiled = compileSearch({
      filter: "params.a = 'x' and tags.t IS NULL and params.b LIKE 'y%' and metrics.m != 2 and status = 'FAILED'",
    });
    expect(compiled.where).toBe(
      [
        'r.status = $1',
        "(select count(*) filter (where case c.op when '=' then m.is_nan is not true and m.value = c.value when '>' then m.is_nan is not true and m.value > c.value when '>=' then m.is_nan is not true and m.value >= c.value when '<' then m.is_nan is not true and m.value < c.value when '<=' then m.is_nan is not true and m.value <= c.value when '!=' then m.is_nan is true or m.value <> c.value else false end) = $5::bigint and count(*) filter (where c.op = 'IS NULL') = 0 from tracking_latest_metrics m join unnest($2::text[], $3::text[], $4::double precision[]) as c(key, op, value) on c.key = m.key where m.run_id = r.run_id)",
        "(select count(*) filter (where case c.op when '=' then p.value = c.value when '!=' then p.value <> c.value when 'LIKE' then p.value like c.value when 'ILIKE' then p.value ilike c.value when 'IS NOT NULL' then true else false end) = $9::bigint and count(*) filter (where c.op = 'IS NULL') = 0 from tracking_params p join unnest($6::text[], $7::text[], $8::text[]) as c(key, op, value) on c.key = p.key where p.run_id = r.run_id)",
        "(select count(*) filter (where case c.op when '=' then t.value = c.value when '!=' then t.value <> c.value when 'LIKE' then t.value like c.value when 'ILIKE' then t.value ilike c.value when 'IS NOT NULL' then true else false end) = $13::bigint and count(*) filter (where c.op = 'IS NULL') = 0 from tracking_tags t join unnest($10::text[], $11::text[], $12::text[]) as c(key, op, value) on c.key = t.key where t.run_id = r.run_id)",
      ].join(' and '),
    );
    expect(compiled.params).toEqual([
      'FAILED',
      ['m'],
      ['!='],
      [2],
      1,
      ['a', 'b'],
      ['=', 'LIKE'],
      ['x', 'y%'],
      2,
      ['t'],
      ['IS NULL'],
      [null],
      0,
    ]);
  });

  it('compiles 100 conditions to the same SQL as 4: no join, EXISTS or subquery per condition', () => {
    const filter = (n: number) => Array.from({ length: n }, (_, i) => `params.p${i} = 'x' and metrics.m${i} > ${i}`).join(' and ');
    const four = compileSearch({ filter: filter(2) });
    const hundred = compileSearch({ filter: filter(50) });
    expect(hundred.where).toBe(four.where);
    expect(hundred.where.match(/\bselect\b/g)).toHaveLength(2);
    expect(hundred.where.match(/\bjoin\b/g)).toHaveLength(2);
    expect(hundred.where).not.toMatch(/\bexists\b/);
    expect(hundred.params.flat()).toHaveLength(302);
  });

  it("checks many dataset conditions in one subquery over the run's inputs: no EXISTS per condition", () => {
    const filter = (n: number) => Array.from({ length: n }, (_, i) => `datasets.name = 'd${i}'`).join(' and ');
    expect(compileSearch({ filter: filter(3) }).where.match(/\bexists\b/g)).toHaveLength(3);
    const hundred = compileSearch({ filter: filter(100) }).where;
    expect(hundred).not.toMatch(/\bexists\b/);
    expect(hundred.match(/\bselect\b/g)).toHaveLength(1);
    expect(hundred.match(/\bbool_or\(/g)).toHaveLength(100);
    // Mixed with entity conditions, the dataset ones still count towards the EXISTS budget.
    const mixed = compileSearch({ filter: `${filter(2)} and params.a = 'x' and tags.b = 'y'` }).where;
    expect(mixed).not.toMatch(/\bexists\b/);
  });

  it('refuses a filter of more than 100 conditions, pointing at the 101st', () => {
    const clauses = Array.from({ length: 101 }, (_, i) => `params.p${i} = 'x'`);
    expect(compileSearch({ filter: clauses.slice(0, 100).join(' and ') }).params[0]).toHaveLength(100);
    const error = errorOf(() => compileSearch({ filter: clauses.join(' and ') }));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain('a filter may join at most 100 conditions');
    expect(error.details).toEqual({ position: clauses.slice(0, 100).join(' and ').length + ' and '.length });
  });

  it('keeps start_time once when it is ordered explicitly', () => {
    expect(compileSearch({ orderBy: ['attributes.start_time ASC'] }).orderBy).toBe('r.start_time asc nulls last, r.run_id collate "C" asc');
    expect(compileSearch({ orderBy: ['status DESC'] }).orderBy).toBe(
      'r.status collate "C" desc nulls last, r.start_time desc nulls last, r.run_id collate "C" asc',
    );
  });

  it('reads the offset from the page token', () => {
    expect(compileSearch({ pageToken: encodePageToken(40), maxResults: 20 })).toMatchObject({ limit: 20, offset: 40 });
  });

  it.each([0, -1, 1.5, 50_001, Number.NaN])('rejects max_results %s', (maxResults) => {
    const error = errorOf(() => compileSearch({ maxResults }));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain('max_results must be an integer from 1 to 50000');
  });

  it('accepts max_results up to 50000', () => {
    expect(compileSearch({ maxResults: 50_000 }).limit).toBe(50_000);
    expect(compileSearch({ maxResults: 1 }).limit).toBe(1);
  });

  it('rejects a bad paramOffset', () => {
    expect(errorOf(() => compileSearch({ paramOffset: -1 })).code).toBe('INVALID_ARGUMENT');
  });

  it('passes parse errors and token errors on', () => {
    expect(errorOf(() => compileSearch({ filter: 'metrics.a ~ 1' })).details).toEqual({ position: 10 });
    expect(errorOf(() => compileSearch({ orderBy: ['metrics.a', 'bogus'] })).details).toEqual({ index: 1, position: 0 });
    expect(errorOf(() => compileSearch({ pageToken: 'garbage!' })).message).toMatch(/^Invalid page token/);
  });
});
