import { type Database, MlpError } from '@mlp/core';
import type { Metric } from '../model.js';
import { copyPointsOut } from './metric-points-copy.js';
import {
  assertSummaryInput,
  type MetricSeriesRef,
  type MetricSummary,
  type MetricSummaryOptions,
  orderSummaryPoints,
  summarizePoints,
  wholeHistoryLimit,
} from './metric-summary.js';

interface SeriesRow extends Record<string, unknown> {
  run_id: string;
  key: string;
  series_id: number;
  /** The point count, counted no further than one past the whole-history limit. */
  capped: number;
}

type Triple = [number, number, number];

/** Points per bucket up to which a history is read whole and reduced here rather than in the database. */
const readInMemoryPerBucket = 32;

// Per bucket of steps: one index range scan (tracking_metric_points_history_idx on series_id, step,
// timestamp) into a plain aggregate, no sort or hash over the history, and index probes for the
// bucket's first and last point (and its first non-finite one, only when it has one). An array is
// compared element by element, so min(array[value, step, timestamp]) is the smallest value with its
// position. NaN is stored as NULL; coalesced to 'NaN' it sorts above +Infinity, as in memory.
const finite = `value not in ('Infinity', '-Infinity')`;
const inBucket = 'p.series_id = s.series_id and p.step >= s.lo + b * s.width and p.step < s.lo + (b + 1) * s.width';
const point = (order: string, where = 'true') =>
  `select array[step, timestamp, coalesce(value, 'NaN')] as at from tracking_metric_points p where ${inBucket} and ${where} order by ${order} limit 1`;
const bucketQuery = `
  with s as materialized (
    select l.series_id, m.lo, (m.hi - m.lo) / $2 + 1 as width
    from unnest($1::int[]) as l(series_id)
    cross join lateral (
      select min(step) as lo, max(step) as hi from tracking_metric_points p where p.series_id = l.series_id
    ) m
  )
  select s.series_id, a.n, a.low, a.high, f.at as first, l.at as last, o.at as odd
  from s
  cross join lateral generate_series(0, $2 - 1) as b
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

interface BucketRow extends Record<string, unknown> {
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

/**
 * Metric histories reduced to about `buckets` pixels each (see MetricSummary): short ones read whole
 * (and reduced in memory, the reference reduction), long ones reduced in the database to one row per
 * bucket, so a million-point history sends ~4 × buckets points.
 */
export async function summarizeMetricHistories(
  db: Database,
  series: readonly MetricSeriesRef[],
  options: MetricSummaryOptions,
): Promise<MetricSummary[]> {
  assertSummaryInput(series, options);
  if (series.length === 0) return [];
  const runIds = [...new Set(series.map((s) => s.runId))];
  const keys = [...new Set(series.map((s) => s.key))];
  const whole = wholeHistoryLimit(options.buckets);
  // Histories up to this long are read (binary COPY) and reduced in memory: cheaper than a database
  // round of index probes for buckets of a few points each.
  const limit = options.buckets * readInMemoryPerBucket;
  const limits = { signal: options.signal };
  const known = await db.query<{ run_id: string }>('select run_id from tracking_runs where run_id = any($1)', [runIds], limits);
  if (known.length < runIds.length) {
    const found = new Set(known.map((row) => row.run_id));
    throw new MlpError('NOT_FOUND', `No run with id ${runIds.find((id) => !found.has(id))}.`);
  }
  const rows = await db.query<SeriesRow>(
    `select l.run_id, l.key, l.series_id,
       (select count(*)::int from (select 1 from tracking_metric_points p where p.series_id = l.series_id limit $3) c) as capped
     from tracking_latest_metrics l where l.run_id = any($1) and l.key = any($2)`,
    [runIds, keys, limit + 1],
    limits,
  );
  const bySeries = new Map<number, { key: string; totalPoints: number; points: Metric[] }>();
  const byRef = new Map<string, number>();
  for (const row of rows) {
    bySeries.set(row.series_id, { key: row.key, totalPoints: 0, points: [] });
    byRef.set(`${row.run_id}\0${row.key}`, row.series_id);
  }
  const read = rows.filter((row) => row.capped <= limit);
  const long = rows.filter((row) => row.capped > limit).map((row) => row.series_id);
  if (read.length > 0) {
    const client = await db.connect();
    try {
      for (const row of read) {
        const summary = bySeries.get(row.series_id) as { key: string; totalPoints: number; points: Metric[] };
        // Only the database's integer series id reaches this text: COPY takes no parameters.
        const { points } = await copyPointsOut(
          client,
          row.key,
          `select step, timestamp, value, is_nan, ctid from tracking_metric_points where series_id = ${Number(row.series_id)} limit ${limit + 1}`,
          limit,
        );
        summary.totalPoints = points.length;
        summary.points = points.length <= whole ? points : summarizePoints(points, options.buckets).points;
      }
    } finally {
      client.release();
    }
  }
  if (long.length > 0) {
    const client = await db.connect();
    try {
      // The planner prices 10^6-row scans high enough to JIT-compile them: ~10 ms saved, ~150 ms spent.
      await client.query('begin');
      await client.query('set local jit = off');
      const buckets = await client.query<BucketRow>(bucketQuery, [long, options.buckets]);
      await client.query('commit');
      for (const row of buckets.rows) {
        const summary = bySeries.get(row.series_id);
        if (!summary) continue;
        summary.totalPoints += row.n;
        summary.points.push(atPosition(summary.key, row.first), atPosition(summary.key, row.last));
        if (row.low) summary.points.push(atValue(summary.key, row.low), atValue(summary.key, row.high as Triple));
        if (row.odd) summary.points.push(atPosition(summary.key, row.odd));
      }
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
  for (const summary of bySeries.values()) summary.points = orderSummaryPoints(summary.points);
  return series.map(({ runId, key }) => {
    const id = byRef.get(`${runId}\0${key}`);
    const summary = id === undefined ? undefined : bySeries.get(id);
    return { runId, key, totalPoints: summary?.totalPoints ?? 0, points: summary?.points ?? [] };
  });
}
