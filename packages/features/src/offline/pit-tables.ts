import type { Database } from '@mlp/core';
import { offlineSchema, type ResolvedFeatureView } from '../registry/resolved-view.js';
import { quoteIdentifier } from '../sources/source-connection.js';

/**
 * The point-in-time join as hash joins. Each offline row holds its values from its event time until
 * the next row of the same entity (or its TTL ends, whichever is first): a half-open interval, and the
 * intervals of one entity never overlap. Intervals are cut into time buckets of `bucketMs`, one row per
 * bucket touched (`__pit`), so an entity row finds its one candidate interval by an equality join on
 * (keys, bucket) and a range check. Each entity's last row, open-ended without a TTL, sits in `__tail`
 * and is joined on the keys alone. Both are built once per load, when a training set first needs them.
 */
export interface PitTables {
  pit: string;
  tail: string;
  bucketMs: number;
  /** False when every interval fits the bucket table (a TTL bounds them all): no second join then. */
  hasTail: boolean;
}

/** A last row whose TTL spans at most this many buckets goes into the bucket table, not the tail. */
const maxTailBuckets = 64;

export function pitTablesOf(view: ResolvedFeatureView): { pit: string; tail: string } {
  return {
    pit: `"${offlineSchema}"."${view.name}__v${view.version}__pit"`,
    tail: `"${offlineSchema}"."${view.name}__v${view.version}__tail"`,
  };
}

/** Builds (again) a view version's `__pit` and `__tail` tables from its offline table, in the caller's transaction. */
export async function buildPitTables(
  client: { query(text: string): Promise<{ rows: Record<string, unknown>[] }> },
  view: ResolvedFeatureView,
): Promise<PitTables> {
  const { pit, tail } = pitTablesOf(view);
  const keys = view.joinKeys.map((key) => quoteIdentifier(key.name));
  const features = view.features.map((feature) => quoteIdentifier(feature.name));
  const end = view.ttlMs > 0 ? `least(next_ts, event_ts + ${view.ttlMs + 1})` : 'next_ts';
  const intervals = `"${view.name}__v${view.version}__intervals"`;
  // sorts and hashes of a few million rows: in memory rather than in temp files
  await client.query(`set local work_mem = '256MB'`);
  await client.query(`drop table if exists ${pit}, ${tail}`);
  await client.query(
    `create temp table ${intervals} on commit drop as select ${keys.join(', ')}, event_ts, ${features.join(', ')}, ` +
      `lead(event_ts) over (partition by ${keys.join(', ')} order by event_ts, _seq) as next_ts from ${view.offlineTable}`,
  );
  // The bucket: the typical gap between two rows of an entity, widened so the buckets add at most
  // about 3 rows per interval on average (long gaps would otherwise multiply rows).
  const [stats] = (
    await client.query(
      `select coalesce(percentile_disc(0.5) within group (order by ${end} - event_ts), 1) as median, coalesce(sum(${end} - event_ts), 0) as span, count(*) as n ` +
        `from ${intervals} where next_ts > event_ts`,
    )
  ).rows as { median: string | number; span: string | number; n: string | number }[];
  const n = Number(stats?.n ?? 0);
  const bucketMs = Math.max(1, Number(stats?.median ?? 1), n > 0 ? Math.ceil(Number(stats?.span ?? 0) / (3 * n)) : 1);
  // every bounded interval (a TTL bounds even the last row's) that spans few buckets: the bucket table
  const lastEnd = view.ttlMs > 0 ? `event_ts + ${view.ttlMs + 1}` : 'null::bigint';
  const hasTail = !(view.ttlMs > 0 && view.ttlMs + 1 <= maxTailBuckets * bucketMs);
  const bounded = hasTail ? 'next_ts > event_ts' : '(next_ts > event_ts or next_ts is null)';
  await client.query(
    `create table ${pit} as select ${keys.join(', ')}, bucket, event_ts, end_ts, ${features.join(', ')} ` +
      `from (select *, coalesce(${end}, ${lastEnd}) as end_ts from ${intervals} where ${bounded}) as i, ` +
      `generate_series(event_ts / ${bucketMs}, (end_ts - 1) / ${bucketMs}) as bucket`,
  );
  await client.query(
    `create table ${tail} as select ${keys.join(', ')}, event_ts, ${lastEnd} as end_ts, ${features.join(', ')} from ${intervals} where next_ts is null and ${hasTail}`,
  );
  await client.query(`analyze ${pit}`);
  await client.query(`analyze ${tail}`);
  return { pit, tail, bucketMs, hasTail };
}

export async function dropPitTables(db: Pick<Database, 'query'>, view: ResolvedFeatureView): Promise<void> {
  const { pit, tail } = pitTablesOf(view);
  await db.query(`drop table if exists ${pit}, ${tail}`);
}
