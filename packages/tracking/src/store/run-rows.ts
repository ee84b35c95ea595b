import type { Database } from '@mlp/core';
import type { DatasetInput, Metric, Run, RunStatus } from '../model.js';

export interface RunRow {
  run_id: string;
  experiment_id: number;
  name: string;
  status: RunStatus;
  start_time: number;
  end_time: number | null;
  lifecycle_stage: 'active' | 'deleted';
  user_id: string;
  artifact_uri: string;
  parent_run_id: string | null;
}

export const runColumns =
  'r.run_id, r.experiment_id, r.name, r.status, r.start_time, r.end_time, r.lifecycle_stage, r.user_id, r.artifact_uri, r.parent_run_id';

/** Loads params, tags, latest metrics, inputs and outputs of many runs in five queries, keeping the rows' order. */
export async function assembleRuns(db: Database, rows: RunRow[]): Promise<Run[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.run_id);
  const [params, tags, metrics, inputs, outputs] = await Promise.all([
    db.query<{ run_id: string; key: string; value: string }>('select run_id, key, value from tracking_params where run_id = any($1)', [
      ids,
    ]),
    db.query<{ run_id: string; key: string; value: string }>('select run_id, key, value from tracking_tags where run_id = any($1)', [ids]),
    db.query<{ run_id: string; key: string; value: number | null; is_nan: boolean; timestamp: number; step: number }>(
      'select run_id, key, value, is_nan, timestamp, step from tracking_latest_metrics where run_id = any($1)',
      [ids],
    ),
    db.query<{
      run_id: string;
      name: string;
      digest: string;
      source_type: string;
      source: string;
      schema: string | null;
      profile: string | null;
      context: string | null;
    }>('select * from tracking_dataset_inputs where run_id = any($1) order by name, digest', [ids]),
    db.query<{ run_id: string; model_id: string; step: number }>(
      'select run_id, model_id, step from tracking_run_outputs where run_id = any($1) order by step, model_id',
      [ids],
    ),
  ]);
  const runs = new Map<string, Run>(
    rows.map((row) => [
      row.run_id,
      {
        runId: row.run_id,
        name: row.name,
        experimentId: String(row.experiment_id),
        userId: row.user_id,
        status: row.status,
        startTime: Number(row.start_time),
        endTime: row.end_time === null ? null : Number(row.end_time),
        artifactUri: row.artifact_uri,
        lifecycleStage: row.lifecycle_stage,
        parentRunId: row.parent_run_id,
        params: {},
        metrics: {},
        tags: {},
        inputs: [],
        outputs: [],
      },
    ]),
  );
  for (const row of params) (runs.get(row.run_id) as Run).params[row.key] = row.value;
  for (const row of tags) (runs.get(row.run_id) as Run).tags[row.key] = row.value;
  for (const row of metrics) (runs.get(row.run_id) as Run).metrics[row.key] = toMetric(row);
  for (const row of inputs) (runs.get(row.run_id) as Run).inputs.push(toInput(row));
  for (const row of outputs) (runs.get(row.run_id) as Run).outputs?.push({ modelId: row.model_id, step: Number(row.step) });
  return ids.map((id) => runs.get(id) as Run);
}

export function toMetric(row: { key: string; value: number | null; is_nan: boolean; timestamp: number; step: number }): Metric {
  return { key: row.key, value: row.is_nan ? Number.NaN : Number(row.value), timestamp: Number(row.timestamp), step: Number(row.step) };
}

function toInput(row: {
  name: string;
  digest: string;
  source_type: string;
  source: string;
  schema: string | null;
  profile: string | null;
  context: string | null;
}): DatasetInput {
  return {
    name: row.name,
    digest: row.digest,
    sourceType: row.source_type,
    source: row.source,
    ...(row.schema === null ? {} : { schema: row.schema }),
    ...(row.profile === null ? {} : { profile: row.profile }),
    ...(row.context === null ? {} : { context: row.context }),
  };
}
