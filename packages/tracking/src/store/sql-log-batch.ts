import { type Database, MlpError } from '@mlp/core';
import type pg from 'pg';
import { type DatasetInput, type Metric, type Param, systemTags, type Tag } from '../model.js';
import { assertLogBatch } from '../validate-names.js';
import { KnownSeries, type SeriesIds } from './known-series.js';
import { blocksUpsertParams, blocksUpsertSql, chooseBaseLevel, foldBlocks, type SeriesBlocks, upsertBlocks } from './metric-blocks.js';
import { copyPointsIn } from './metric-points-copy.js';
import { linkModelMetrics } from './sql-model-metrics.js';
import { type TransactionOptions, withTransaction } from './sql-transaction.js';
import type { BatchLimits, LogBatchInput } from './tracking-store.js';

/** Writes a batch in one transaction: all of it or nothing; durable once acknowledged unless `synchronousCommit` is false. */
export async function logBatch(
  db: Database,
  runId: string,
  batch: LogBatchInput,
  limits: BatchLimits,
  durability: TransactionOptions = {},
  known: KnownSeries = new KnownSeries(),
): Promise<void> {
  assertLogBatch(batch, limits);
  const metrics = batch.metrics ?? [];
  const params = dedupeParams(batch.params ?? []);
  const tags = lastTagWins(batch.tags ?? []);

  await withTransaction(
    db,
    async (client) => {
      await assertActiveRun(client, runId);
      if (params.length > 0) await writeParams(client, runId, params);
      if (tags.length > 0) {
        await client.query(
          `insert into tracking_tags (run_id, key, value) select $1, * from unnest($2::text[], $3::text[])
         on conflict (run_id, key) do update set value = excluded.value`,
          [runId, tags.map((tag) => tag.key), tags.map((tag) => tag.value)],
        );
        // The run's name and MLflow's name tag are one fact: keep them in step, as MLflow's set_tag does.
        const renamed = tags.find((tag) => tag.key === systemTags.runName);
        if (renamed) await client.query('update tracking_runs set name = $2 where run_id = $1', [runId, renamed.value]);
      }
      if (metrics.length > 0) {
        const unlogged = await linkModelMetrics(client, runId, metrics);
        if (unlogged.length > 0) await writeMetrics(client, runId, unlogged, known);
      }
    },
    durability,
  );
}

export async function logInputs(db: Database, runId: string, datasets: DatasetInput[]): Promise<void> {
  await withTransaction(db, async (client) => {
    await assertActiveRun(client, runId);
    for (const dataset of datasets) {
      await client.query(
        `insert into tracking_dataset_inputs (run_id, name, digest, source_type, source, schema, profile, context)
         values ($1, $2, $3, $4, $5, $6, $7, $8)
         on conflict (run_id, name, digest) do update set context = coalesce(excluded.context, tracking_dataset_inputs.context)`,
        [
          runId,
          dataset.name,
          dataset.digest,
          dataset.sourceType,
          dataset.source,
          dataset.schema ?? null,
          dataset.profile ?? null,
          dataset.context ?? null,
        ],
      );
    }
  });
}

async function assertActiveRun(client: pg.PoolClient, runId: string): Promise<void> {
  const { rows } = await client.query<{ lifecycle_stage: string }>(
    'select lifecycle_stage from tracking_runs where run_id = $1 for share',
    [runId],
  );
  if (!rows[0]) throw new MlpError('NOT_FOUND', `No run with id ${runId}.`);
  if (rows[0].lifecycle_stage !== 'active')
    throw new MlpError('FAILED_PRECONDITION', `Run ${runId} is deleted: restore it before logging to it.`);
}

/** Params are write-once: the same value again is fine, another value is an error naming both. */
async function writeParams(client: pg.PoolClient, runId: string, params: Param[]): Promise<void> {
  const keys = params.map((param) => param.key);
  await client.query(
    'insert into tracking_params (run_id, key, value) select $1, * from unnest($2::text[], $3::text[]) on conflict (run_id, key) do nothing',
    [runId, keys, params.map((param) => param.value)],
  );
  // Read back after the insert, so a concurrent writer's committed value is seen too.
  const { rows } = await client.query<{ key: string; value: string }>(
    'select key, value from tracking_params where run_id = $1 and key = any($2)',
    [runId, keys],
  );
  const stored = new Map(rows.map((row) => [row.key, row.value]));
  for (const param of params) {
    const existing = stored.get(param.key);
    if (existing !== param.value) {
      throw new MlpError(
        'INVALID_ARGUMENT',
        `Param ${param.key} of run ${runId} is already ${JSON.stringify(existing)}; it cannot change to ${JSON.stringify(param.value)}. Params are write-once: log a new key or start a new run.`,
      );
    }
  }
}

async function writeMetrics(client: pg.PoolClient, runId: string, metrics: Metric[], known: KnownSeries): Promise<void> {
  const byKey = new Map<string, Metric[]>();
  for (const metric of metrics) {
    const points = byKey.get(metric.key);
    if (points) points.push(metric);
    else byKey.set(metric.key, [metric]);
  }
  const latest = latestPerKey(metrics);
  try {
    const cached = known.all(runId, byKey.keys());
    let series = cached;
    if (series) {
      // Every series seen before: the latest points and the rollup in one statement.
      await client.query({
        name: 'mlp-tracking-latest-and-blocks',
        text: latestAndBlocks,
        values: [runId, ...latestParams(latest), ...blocksUpsertParams(rollup(byKey, series))],
      });
    } else {
      series = await upsertLatest(client, runId, latest, byKey);
      for (const [key, ids] of series) known.set(runId, key, ids);
    }
    await copyPointsIn(
      client,
      metrics.map((metric) => ({
        seriesId: (series.get(metric.key) as SeriesIds).seriesId,
        step: metric.step,
        timestamp: metric.timestamp,
        value: metric.value,
      })),
    );
    if (!cached) await upsertBlocks(client, rollup(byKey, series));
  } catch (error) {
    known.forget(runId); // a run removed behind this store's back: look its series up again next time
    throw error;
  }
}

/** Each series' points of the batch folded into blocks; a series without a level predates the rollup and gets none. */
function rollup(byKey: Map<string, Metric[]>, series: Map<string, SeriesIds>): SeriesBlocks[] {
  const rolled: SeriesBlocks[] = [];
  for (const [key, points] of byKey) {
    const { seriesId, rollupLevel } = series.get(key) as SeriesIds;
    if (rollupLevel !== null) rolled.push({ seriesId, blocks: foldBlocks(points, rollupLevel) });
  }
  return rolled;
}

const moveLatest = `insert into tracking_latest_metrics as l (run_id, key, value, is_nan, timestamp, step, rollup_level)
       select $1, * from unnest($2::text[], $3::float8[], $4::bool[], $5::int8[], $6::int8[], $7::int2[])
       on conflict (run_id, key) do update set value = excluded.value, is_nan = excluded.is_nan, timestamp = excluded.timestamp, step = excluded.step
       where (excluded.step, excluded.timestamp) >= (l.step, l.timestamp)`;

// The rollup's upsert reads the latest rows' CTE (an init plan run before its first row), so a batch
// locks its latest rows before its blocks, as the two-statement path does: no deadlock between them.
const latestAndBlocks = `with upserted as (${moveLatest} returning 1)
  ${blocksUpsertSql(8, '(select count(*) from upserted) >= 0')}`;

const latestParams = (latest: Metric[]) => [
  latest.map((metric) => metric.key),
  latest.map((metric) => (Number.isNaN(metric.value) ? null : metric.value)),
  latest.map((metric) => Number.isNaN(metric.value)),
  latest.map((metric) => metric.timestamp),
  latest.map((metric) => metric.step),
  latest.map(() => null), // a known series keeps its level
];

/**
 * Moves each key's latest point forward (never back) and returns every key's series id and rollup level
 * (chosen from this batch for a new series), in one round trip: rows the upsert touched come back from
 * it, the others are read from the statement's snapshot. A row another writer committed while this
 * statement waited is in neither: read again.
 */
async function upsertLatest(
  client: pg.PoolClient,
  runId: string,
  latest: Metric[],
  byKey: Map<string, Metric[]>,
): Promise<Map<string, SeriesIds>> {
  const keys = latest.map((metric) => metric.key);
  type Row = { key: string; series_id: number; rollup_level: number | null };
  const { rows } = await client.query<Row>(
    `with upserted as (
       ${moveLatest}
       returning key, series_id, rollup_level
     )
     select key, series_id, rollup_level from upserted
     union all
     select key, series_id, rollup_level from tracking_latest_metrics where run_id = $1 and key = any($2) and key not in (select key from upserted)`,
    [runId, ...latestParams(latest).slice(0, 5), keys.map((key) => chooseBaseLevel(byKey.get(key) ?? []))],
  );
  const series = new Map(rows.map((row) => [row.key, { seriesId: row.series_id, rollupLevel: row.rollup_level }]));
  if (series.size < keys.length) {
    const again = await client.query<Row>(
      'select key, series_id, rollup_level from tracking_latest_metrics where run_id = $1 and key = any($2)',
      [runId, keys],
    );
    for (const row of again.rows) series.set(row.key, { seriesId: row.series_id, rollupLevel: row.rollup_level });
  }
  return series;
}

/** MLflow's "latest": the highest step, then the latest timestamp; a later write wins a tie. */
function latestPerKey(metrics: Metric[]): Metric[] {
  const latest = new Map<string, Metric>();
  for (const metric of metrics) {
    const current = latest.get(metric.key);
    if (!current || metric.step > current.step || (metric.step === current.step && metric.timestamp >= current.timestamp))
      latest.set(metric.key, metric);
  }
  return [...latest.values()];
}

function dedupeParams(params: Param[]): Param[] {
  const byKey = new Map<string, Param>();
  for (const param of params) {
    const seen = byKey.get(param.key);
    if (seen && seen.value !== param.value) {
      throw new MlpError(
        'INVALID_ARGUMENT',
        `The batch logs param ${param.key} twice with different values (${JSON.stringify(seen.value)}, ${JSON.stringify(param.value)}).`,
      );
    }
    byKey.set(param.key, param);
  }
  return [...byKey.values()];
}

function lastTagWins(tags: Tag[]): Tag[] {
  return [...new Map(tags.map((tag) => [tag.key, tag])).values()];
}
