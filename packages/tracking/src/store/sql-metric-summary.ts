import { type Database, MlpError } from '@mlp/core';
import type { Metric } from '../model.js';
import { levelForWidth, rollupLevels } from './metric-blocks.js';
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
import { type SummaryGrid, summaryGrid } from './metric-summary-grid.js';
import { type BucketRow, bucketPoints, bucketsFromBlocks, bucketsFromPoints } from './sql-metric-buckets.js';

interface SeriesRow extends Record<string, unknown> {
  run_id: string;
  /** Null on the one row of a run that has none of the keys asked for. */
  key: string | null;
  series_id: number;
  rollup_level: number | null;
  /** The point count: exact from the rollup, else counted no further than one past the in-memory limit. */
  n: number;
  lo: number | null;
  hi: number | null;
}

/** Points per bucket up to which a history is read whole and reduced here rather than in the database. */
const readInMemoryPerBucket = 32;

// Per series: its count and step range from the rollup's coarsest level (a few rows), or for a series
// without one (logged before the rollup), the count capped at $3 and the ends of its history index.
// Every run asked for has at least one row (key null when it has none of the keys): an unknown run is
// told apart in the same round trip.
const seriesQuery = `
  select run.run_id, l.key, l.series_id, l.rollup_level,
    coalesce(r.n, (select count(*) from (select 1 from tracking_metric_points p where p.series_id = l.series_id limit $3) c))::float8 as n,
    coalesce(r.lo, (select min(step) from tracking_metric_points p where l.rollup_level is null and p.series_id = l.series_id))::float8 as lo,
    coalesce(r.hi, (select max(step) from tracking_metric_points p where l.rollup_level is null and p.series_id = l.series_id))::float8 as hi
  from tracking_runs run
  left join tracking_latest_metrics l on l.run_id = run.run_id and l.key = any($2)
  left join lateral (
    select sum(b.n) as n, min(b.first[1]) as lo, max(b.last[1]) as hi from tracking_metric_blocks b
    where b.series_id = l.series_id and b.level = l.rollup_level + ${rollupLevels - 1}
  ) r on l.rollup_level is not null
  where run.run_id = any($1)`;

/**
 * Metric histories reduced to about `buckets` pixels each (see MetricSummary), by the cheapest exact
 * means per series: short ones read whole (binary COPY) and reduced in memory by the
 * reference reduction; long ones merged from the rollup's blocks when the grid is made of them (no point
 * read); the others reduced in the database from their points, one row per bucket.
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
  const all = await db.query<SeriesRow>(seriesQuery, [runIds, keys, limit + 1], limits);
  const found = new Set(all.map((row) => row.run_id));
  if (found.size < runIds.length) throw new MlpError('NOT_FOUND', `No run with id ${runIds.find((id) => !found.has(id))}.`);
  const rows = all.filter((row): row is SeriesRow & { key: string } => row.key !== null);
  const bySeries = new Map<number, { key: string; totalPoints: number; points: Metric[] }>();
  const byRef = new Map<string, number>();
  const read: (SeriesRow & { key: string })[] = [];
  const rolled: { seriesId: number; level: number; grid: SummaryGrid }[] = [];
  const reduced: { seriesId: number; grid: SummaryGrid }[] = [];
  for (const row of rows) {
    bySeries.set(row.series_id, { key: row.key, totalPoints: 0, points: [] });
    byRef.set(`${row.run_id}\0${row.key}`, row.series_id);
    if (row.n === 0 || row.lo === null || row.hi === null) continue;
    const grid = summaryGrid(row.lo, row.hi, options.buckets);
    const level = row.rollup_level === null || row.n <= whole ? undefined : levelForWidth(grid.width, row.rollup_level);
    if (level !== undefined) rolled.push({ seriesId: row.series_id, level, grid });
    else if (row.n <= limit) read.push(row);
    else reduced.push({ seriesId: row.series_id, grid });
  }
  const client = await db.connect();
  try {
    // One COPY a series: measured faster at load than one COPY of them all (a lateral join of index
    // scans, 1.4× slower) or an IN list (which the planner may answer with a scan of the whole table).
    for (const row of read) {
      const summary = bySeries.get(row.series_id) as { totalPoints: number; points: Metric[] };
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
    const buckets: BucketRow[] = [];
    if (rolled.length > 0) buckets.push(...(await bucketsFromBlocks(client, rolled)));
    if (reduced.length > 0) {
      await client.query('begin');
      buckets.push(...(await bucketsFromPoints(client, reduced)));
      await client.query('commit');
    }
    for (const row of buckets) {
      const summary = bySeries.get(row.series_id) as { key: string; totalPoints: number; points: Metric[] };
      summary.totalPoints += row.n;
      summary.points.push(...bucketPoints(summary.key, row));
    }
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
  for (const summary of bySeries.values()) summary.points = orderSummaryPoints(summary.points);
  return series.map(({ runId, key }) => {
    const id = byRef.get(`${runId}\0${key}`);
    const summary = id === undefined ? undefined : bySeries.get(id);
    return { runId, key, totalPoints: summary?.totalPoints ?? 0, points: summary?.points ?? [] };
  });
}
