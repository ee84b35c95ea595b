import { MlpError } from '@mlp/core';
import type pg from 'pg';
import type { Metric } from '../model.js';
import { assertText } from '../validate-names.js';

/**
 * Links a batch's model-bound points (MLflow 3's `Metric.model_id`) to their logged models, inside
 * the batch's transaction, and returns the points the run's own history still lacks. MLflow's
 * `log_model` logs the run's metrics at the model's step again, bound to the model: the run keeps
 * one copy of each point (as MLflow's store, which refuses an identical point), the model gets its link.
 */
export async function linkModelMetrics(client: pg.PoolClient, runId: string, metrics: Metric[]): Promise<Metric[]> {
  const linked = metrics.filter((metric) => metric.modelId !== undefined);
  if (linked.length === 0) return metrics;

  for (const metric of linked) {
    assertText('model id', metric.modelId);
    if (metric.datasetName !== undefined) assertText('dataset name', metric.datasetName);
    if (metric.datasetDigest !== undefined) assertText('dataset digest', metric.datasetDigest);
  }
  const modelIds = [...new Set(linked.map((metric) => metric.modelId as string))];
  const found = await client.query<{ model_id: string }>(
    "select model_id from tracking_logged_models where model_id = any($1) and lifecycle_stage = 'active' for share",
    [modelIds],
  );
  const known = new Set(found.rows.map((row) => row.model_id));
  const missing = modelIds.find((id) => !known.has(id));
  if (missing !== undefined) {
    throw new MlpError('NOT_FOUND', `Logged model with ID '${missing}' not found: create it before logging metrics for it.`);
  }

  const column = <T>(pick: (metric: Metric) => T) => linked.map(pick);
  await client.query(
    `insert into tracking_logged_model_metrics (model_id, key, value, is_nan, timestamp, step, run_id, dataset_name, dataset_digest)
     select m, k, v, n, t, s, $1, d, g from unnest($2::text[], $3::text[], $4::float8[], $5::bool[], $6::int8[], $7::int8[], $8::text[], $9::text[]) as x(m, k, v, n, t, s, d, g)
     on conflict do nothing`,
    [
      runId,
      column((metric) => metric.modelId),
      column((metric) => metric.key),
      column((metric) => (Number.isNaN(metric.value) ? null : metric.value)),
      column((metric) => Number.isNaN(metric.value)),
      column((metric) => metric.timestamp),
      column((metric) => metric.step),
      column((metric) => metric.datasetName ?? ''),
      column((metric) => metric.datasetDigest ?? ''),
    ],
  );

  // Which linked points the run already holds, by their place in `linked`.
  const { rows } = await client.query<{ i: number }>(
    `select x.i from unnest($2::text[], $3::float8[], $4::bool[], $5::int8[], $6::int8[]) with ordinality as x(k, v, n, t, s, i)
     where exists (
       select 1 from tracking_latest_metrics l join tracking_metric_points p on p.series_id = l.series_id
       where l.run_id = $1 and l.key = x.k and p.step = x.s and p.timestamp = x.t and p.is_nan = x.n and (x.n or p.value = x.v)
     )`,
    [
      runId,
      column((metric) => metric.key),
      column((metric) => (Number.isNaN(metric.value) ? null : metric.value)),
      column((metric) => Number.isNaN(metric.value)),
      column((metric) => metric.timestamp),
      column((metric) => metric.step),
    ],
  );
  if (rows.length === 0) return metrics;
  const present = new Set(rows.map((row) => linked[Number(row.i) - 1]));
  return metrics.filter((metric) => !present.has(metric));
}
