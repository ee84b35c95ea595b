import type pg from 'pg';
import type { Metric } from '../model.js';
import { blockSize } from './metric-blocks.js';
import type { SummaryGrid } from './metric-summary-grid.js';

type Triple = [number, number, number];

/** One summary bucket of one series, as both queries return it: positions [step, timestamp, value], extremes [value, step, timestamp]. */
export interface BucketRow extends Record<string, unknown> {
  series_id: number;
  n: number;
  first: Triple;
  last: Triple;
  low: Triple | null;
  high: Triple | null;
  odd: Triple | null;
}

const atPosition = (key: string, [step, timestamp, value]: Triple): Metric => ({ key, step, timestamp, value });
const atValue = (key: string, [value, step, timestamp]: Triple): Metric => ({ key, step, timestamp, value });

/** The points a bucket keeps (duplicates are dropped when the series' points are ordered). */
export function bucketPoints(key: string, row: BucketRow): Metric[] {
  const points = [atPosition(key, row.first), atPosition(key, row.last)];
  if (row.low) points.push(atValue(key, row.low));
  if (row.high) points.push(atValue(key, row.high));
  if (row.odd) points.push(atPosition(key, row.odd));
  return points;
}

// Buckets merged from the rollup: each bucket is `per` whole blocks of its level (the grid's width is a
// multiple of the block size), so one index range scan over the series' blocks and a hash aggregate.
// Arrays compare element by element, so min/max of the blocks' triples is the bucket's point.
const fromBlocks = `
  select q.series_id, sum(b.n)::float8 as n, min(b.first) as first, max(b.last) as last,
    min(b.low) as low, max(b.high) as high, min(b.odd) as odd
  from unnest($1::int4[], $2::int2[], $3::int8[]) as q(series_id, level, per)
  join tracking_metric_blocks b on b.series_id = q.series_id and b.level = q.level
  group by q.series_id, (b.block - ((b.block % q.per) + q.per) % q.per) / q.per`;

/** Buckets of series whose grid is made of whole blocks of `level`. */
export async function bucketsFromBlocks(
  client: pg.PoolClient,
  series: readonly { seriesId: number; level: number; grid: SummaryGrid }[],
): Promise<BucketRow[]> {
  const { rows } = await client.query<BucketRow>({
    name: 'mlp-tracking-buckets-from-blocks',
    text: fromBlocks,
    values: [series.map((s) => s.seriesId), series.map((s) => s.level), series.map((s) => s.grid.width / blockSize(s.level))],
  });
  return rows;
}

// Buckets read from the points, for series without a usable rollup: per bucket one index range scan
// (tracking_metric_points_history_idx on series_id, step, timestamp) into a plain aggregate, no sort or
// hash over the history, and index probes for the bucket's first and last point (and its first
// non-finite one, only when it has one). NaN is stored as NULL; coalesced to 'NaN' it sorts above
// +Infinity, as in memory.
const finite = `value not in ('Infinity', '-Infinity')`;
const inBucket = 'p.series_id = s.series_id and p.step >= (s.first + b) * s.width and p.step < (s.first + b + 1) * s.width';
const point = (order: string, where = 'true') =>
  `select array[step, timestamp, coalesce(value, 'NaN')] as at from tracking_metric_points p where ${inBucket} and ${where} order by ${order} limit 1`;
const fromPoints = `
  with s as materialized (
    select * from unnest($1::int4[], $2::int8[], $3::int8[], $4::int4[]) as s(series_id, first, width, count)
  )
  select s.series_id, a.n, a.low, a.high, f.at as first, l.at as last, o.at as odd
  from s
  cross join lateral generate_series(0, s.count - 1) as b
  cross join lateral (${point(`step, timestamp, coalesce(value, 'NaN')`)}) f
  cross join lateral (
    select count(*)::int as n,
      min(array[value, step, timestamp]) filter (where ${finite}) as low,
      max(array[value, step, timestamp]) filter (where ${finite}) as high,
      bool_or(value is null or not ${finite}) as has_odd
    from tracking_metric_points p where ${inBucket}
  ) a
  cross join lateral (${point(`step desc, timestamp desc, coalesce(value, 'NaN') desc`)}) l
  left join lateral (${point(`step, timestamp, coalesce(value, 'NaN')`, `a.has_odd and (value is null or not ${finite})`)}) o on true`;

/** Buckets of series read from their points (every point once); the caller runs it inside a transaction. */
export async function bucketsFromPoints(
  client: pg.PoolClient,
  series: readonly { seriesId: number; grid: SummaryGrid }[],
): Promise<BucketRow[]> {
  // The planner prices 10^6-row scans high enough to JIT-compile them: ~10 ms saved, ~150 ms spent.
  await client.query('set local jit = off');
  const { rows } = await client.query<BucketRow>(fromPoints, [
    series.map((s) => s.seriesId),
    series.map((s) => s.grid.first),
    series.map((s) => s.grid.width),
    series.map((s) => s.grid.count),
  ]);
  return rows;
}
