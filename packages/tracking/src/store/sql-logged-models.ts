import { randomUUID } from 'node:crypto';
import { type Database, MlpError } from '@mlp/core';
import type pg from 'pg';
import type { LoggedModel, LoggedModelMetric, LoggedModelStatus, ModelOutput, Param, TrackingPage } from '../model.js';
import { decodePageToken, nextPageToken } from '../search/page-token.js';
import { assertCreateLoggedModel, assertLoggedModelParams, assertLoggedModelTags, assertModelOutputs } from '../validate-logged-model.js';
import { compileLoggedModelSearch } from './logged-model-search.js';
import { parseExperimentId } from './sql-experiments.js';
import { withTransaction } from './sql-transaction.js';
import type { CreateLoggedModelInput, SearchLoggedModelsInput } from './tracking-store.js';

type ModelRow = {
  model_id: string;
  experiment_id: number;
  name: string;
  artifact_location: string;
  creation_timestamp_ms: number;
  last_updated_timestamp_ms: number;
  status: LoggedModelStatus;
  model_type: string | null;
  source_run_id: string | null;
};

const modelColumns =
  'm.model_id, m.experiment_id, m.name, m.artifact_location, m.creation_timestamp_ms, m.last_updated_timestamp_ms, m.status, m.model_type, m.source_run_id';
/** MLflow's default page of logged models. */
const defaultMaxResults = 50;
const maxMaxResults = 50_000;

const notFound = (modelId: string) =>
  new MlpError(
    'NOT_FOUND',
    `Logged model with ID '${modelId}' not found: check the id (m-<32 hex digits>) or search the experiment's models.`,
  );

/** Loads params, tags and linked metrics of many models in three queries, keeping the rows' order. */
async function assemble(db: Database, rows: ModelRow[]): Promise<LoggedModel[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.model_id);
  const [params, tags, metrics] = await Promise.all([
    db.query<{ model_id: string; key: string; value: string }>(
      'select model_id, key, value from tracking_logged_model_params where model_id = any($1) order by key',
      [ids],
    ),
    db.query<{ model_id: string; key: string; value: string }>(
      'select model_id, key, value from tracking_logged_model_tags where model_id = any($1) order by key',
      [ids],
    ),
    db.query<{
      model_id: string;
      key: string;
      value: number | null;
      is_nan: boolean;
      timestamp: number;
      step: number;
      run_id: string;
      dataset_name: string;
      dataset_digest: string;
    }>('select * from tracking_logged_model_metrics where model_id = any($1) order by key, timestamp, step', [ids]),
  ]);
  const models = new Map<string, LoggedModel>(
    rows.map((row) => [
      row.model_id,
      {
        modelId: row.model_id,
        experimentId: String(row.experiment_id),
        name: row.name,
        artifactLocation: row.artifact_location,
        creationTimestamp: Number(row.creation_timestamp_ms),
        lastUpdatedTimestamp: Number(row.last_updated_timestamp_ms),
        status: row.status,
        modelType: row.model_type,
        sourceRunId: row.source_run_id,
        params: {},
        tags: {},
        metrics: [],
      },
    ]),
  );
  for (const row of params) (models.get(row.model_id) as LoggedModel).params[row.key] = row.value;
  for (const row of tags) (models.get(row.model_id) as LoggedModel).tags[row.key] = row.value;
  for (const row of metrics) {
    const metric: LoggedModelMetric = {
      key: row.key,
      value: row.is_nan ? Number.NaN : Number(row.value),
      timestamp: Number(row.timestamp),
      step: Number(row.step),
      runId: row.run_id,
      ...(row.dataset_name ? { datasetName: row.dataset_name } : {}),
      ...(row.dataset_digest ? { datasetDigest: row.dataset_digest } : {}),
    };
    (models.get(row.model_id) as LoggedModel).metrics.push(metric);
  }
  return ids.map((id) => models.get(id) as LoggedModel);
}

/** Locks an active model's row for the transaction; NOT_FOUND for an unknown or deleted one. */
async function lockActiveModel(client: pg.PoolClient, modelId: string): Promise<void> {
  const { rows } = await client.query(
    "select 1 from tracking_logged_models where model_id = $1 and lifecycle_stage = 'active' for update",
    [modelId],
  );
  if (rows.length === 0) throw notFound(modelId);
}

/** Params are write-once, as a run's: the same value again is fine, another value is an error naming both. */
async function writeParams(client: pg.PoolClient, modelId: string, params: Param[]): Promise<void> {
  const byKey = new Map<string, string>();
  for (const param of params) {
    const seen = byKey.get(param.key);
    if (seen !== undefined && seen !== param.value) {
      throw new MlpError(
        'INVALID_ARGUMENT',
        `Param ${param.key} is given twice with different values (${JSON.stringify(seen)}, ${JSON.stringify(param.value)}).`,
      );
    }
    byKey.set(param.key, param.value);
  }
  if (byKey.size === 0) return;
  const keys = [...byKey.keys()];
  await client.query(
    'insert into tracking_logged_model_params (model_id, key, value) select $1, * from unnest($2::text[], $3::text[]) on conflict (model_id, key) do nothing',
    [modelId, keys, [...byKey.values()]],
  );
  const { rows } = await client.query<{ key: string; value: string }>(
    'select key, value from tracking_logged_model_params where model_id = $1 and key = any($2)',
    [modelId, keys],
  );
  for (const row of rows) {
    if (row.value !== byKey.get(row.key)) {
      throw new MlpError(
        'INVALID_ARGUMENT',
        `Param ${row.key} of logged model ${modelId} is already ${JSON.stringify(row.value)}; it cannot change to ${JSON.stringify(byKey.get(row.key))}. Params are write-once: log a new key or a new model.`,
      );
    }
  }
}

async function writeTags(client: pg.PoolClient, modelId: string, tags: Record<string, string>): Promise<void> {
  const entries = Object.entries(tags);
  if (entries.length === 0) return;
  await client.query(
    `insert into tracking_logged_model_tags (model_id, key, value) select $1, * from unnest($2::text[], $3::text[])
     on conflict (model_id, key) do update set value = excluded.value`,
    [modelId, entries.map(([key]) => key), entries.map(([, value]) => value)],
  );
}

/** MLflow 3's logged models and run outputs on the workspace database. */
export function createSqlLoggedModels(db: Database) {
  async function getLoggedModel(modelId: string): Promise<LoggedModel> {
    const rows = await db.query<ModelRow>(
      `select ${modelColumns} from tracking_logged_models m where m.model_id = $1 and m.lifecycle_stage = 'active'`,
      [modelId],
    );
    if (!rows[0]) throw notFound(modelId);
    return (await assemble(db, rows))[0] as LoggedModel;
  }

  /** Runs `work` on the model's locked row in one transaction. */
  async function onActiveModel(modelId: string, work: (client: pg.PoolClient) => Promise<void>): Promise<void> {
    await withTransaction(db, async (client) => {
      await lockActiveModel(client, modelId);
      await work(client);
    });
  }

  return {
    getLoggedModel,

    async createLoggedModel(input: CreateLoggedModelInput): Promise<LoggedModel> {
      assertCreateLoggedModel(input);
      const experimentId = parseExperimentId(input.experimentId);
      const hex = randomUUID().replaceAll('-', '');
      const modelId = `m-${hex}`;
      const now = Date.now();
      await withTransaction(db, async (client) => {
        const { rows } = await client.query<{ lifecycle_stage: string; artifact_location: string }>(
          'select lifecycle_stage, artifact_location from tracking_experiments where experiment_id = $1 for share',
          [experimentId],
        );
        const experiment = rows[0];
        if (!experiment) throw new MlpError('NOT_FOUND', `No experiment with id ${input.experimentId}.`);
        if (experiment.lifecycle_stage !== 'active') {
          throw new MlpError('FAILED_PRECONDITION', `Experiment ${input.experimentId} is deleted: restore it before logging models in it.`);
        }
        await client.query(
          `insert into tracking_logged_models (model_id, experiment_id, name, artifact_location, creation_timestamp_ms, last_updated_timestamp_ms, status, model_type, source_run_id)
           values ($1, $2, $3, $4, $5, $5, 'PENDING', $6, $7)`,
          [
            modelId,
            experimentId,
            input.name ?? `model-${hex.slice(0, 8)}`,
            `${experiment.artifact_location.replace(/\/+$/, '')}/models/${modelId}/artifacts`,
            now,
            input.modelType ?? null,
            input.sourceRunId ?? null,
          ],
        );
        await writeParams(
          client,
          modelId,
          Object.entries(input.params ?? {}).map(([key, value]) => ({ key, value })),
        );
        await writeTags(client, modelId, input.tags ?? {});
      });
      return getLoggedModel(modelId);
    },

    async finalizeLoggedModel(modelId: string, status: 'READY' | 'FAILED'): Promise<LoggedModel> {
      if (status !== 'READY' && status !== 'FAILED') {
        throw new MlpError('INVALID_ARGUMENT', `A logged model is finalized as READY or FAILED, not ${JSON.stringify(status)}.`);
      }
      await onActiveModel(modelId, async (client) => {
        await client.query('update tracking_logged_models set status = $2, last_updated_timestamp_ms = $3 where model_id = $1', [
          modelId,
          status,
          Date.now(),
        ]);
      });
      return getLoggedModel(modelId);
    },

    async deleteLoggedModel(modelId: string): Promise<void> {
      await onActiveModel(modelId, async (client) => {
        await client.query(
          "update tracking_logged_models set lifecycle_stage = 'deleted', last_updated_timestamp_ms = $2 where model_id = $1",
          [modelId, Date.now()],
        );
      });
    },

    async setLoggedModelTags(modelId: string, tags: Record<string, string>): Promise<void> {
      assertLoggedModelTags(tags);
      await onActiveModel(modelId, (client) => writeTags(client, modelId, tags));
    },

    async deleteLoggedModelTag(modelId: string, key: string): Promise<void> {
      await onActiveModel(modelId, async (client) => {
        const { rowCount } = await client.query('delete from tracking_logged_model_tags where model_id = $1 and key = $2', [modelId, key]);
        if (rowCount === 0)
          throw new MlpError('NOT_FOUND', `No tag with key ${JSON.stringify(key)} found for model with ID ${JSON.stringify(modelId)}.`);
      });
    },

    async logLoggedModelParams(modelId: string, params: Param[]): Promise<void> {
      assertLoggedModelParams(params);
      await onActiveModel(modelId, (client) => writeParams(client, modelId, params));
    },

    async logOutputs(runId: string, outputs: ModelOutput[]): Promise<void> {
      assertModelOutputs(outputs);
      await withTransaction(db, async (client) => {
        const { rows } = await client.query<{ lifecycle_stage: string }>(
          'select lifecycle_stage from tracking_runs where run_id = $1 for share',
          [runId],
        );
        if (!rows[0]) throw new MlpError('NOT_FOUND', `No run with id ${runId}.`);
        if (rows[0].lifecycle_stage !== 'active')
          throw new MlpError('FAILED_PRECONDITION', `Run ${runId} is deleted: restore it before logging to it.`);
        const modelIds = [...new Set(outputs.map((output) => output.modelId))];
        const found = await client.query<{ model_id: string }>(
          "select model_id from tracking_logged_models where model_id = any($1) and lifecycle_stage = 'active' for share",
          [modelIds],
        );
        const known = new Set(found.rows.map((row) => row.model_id));
        const missing = modelIds.find((id) => !known.has(id));
        if (missing !== undefined) throw notFound(missing);
        await client.query(
          'insert into tracking_run_outputs (run_id, model_id, step) select $1, * from unnest($2::text[], $3::int8[]) on conflict do nothing',
          [runId, outputs.map((output) => output.modelId), outputs.map((output) => output.step)],
        );
      });
    },

    async searchLoggedModels(input: SearchLoggedModelsInput): Promise<TrackingPage<LoggedModel>> {
      const limit = input.maxResults ?? defaultMaxResults;
      if (!Number.isSafeInteger(limit) || limit < 1 || limit > maxMaxResults) {
        throw new MlpError('INVALID_ARGUMENT', `max_results must be an integer from 1 to ${maxMaxResults}, got ${limit}.`);
      }
      const experimentIds = input.experimentIds.map(parseExperimentId);
      const offset = decodePageToken(input.pageToken);
      const { conditions, order, params } = compileLoggedModelSearch(input, 3);
      const rows = await db.query<ModelRow>(
        `select ${modelColumns} from tracking_logged_models m
         where m.experiment_id = any($1) and m.lifecycle_stage = 'active'${conditions.map((condition) => ` and ${condition}`).join('')}
         order by ${order.join(', ')} limit $2 offset $3`,
        [experimentIds, limit, offset, ...params],
      );
      const items = await assemble(db, rows);
      const token = nextPageToken(offset, limit, rows.length);
      return token ? { items, nextPageToken: token } : { items };
    },
  };
}
