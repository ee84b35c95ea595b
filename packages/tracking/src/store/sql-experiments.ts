import { type Database, MlpError } from '@mlp/core';
import type { Experiment, TrackingPage } from '../model.js';
import { decodePageToken, encodePageToken } from '../search/page-token.js';
import { compileExperimentSearch } from './experiment-search.js';
import { withTransaction } from './sql-transaction.js';
import type { CreateExperimentInput, SearchExperimentsInput } from './tracking-store.js';
import { lifecycleStagesFor } from './view-type.js';

interface ExperimentRow {
  experiment_id: number;
  name: string;
  artifact_location: string;
  lifecycle_stage: 'active' | 'deleted';
  creation_time: number;
  last_update_time: number;
  tags: Record<string, string> | null;
}

const selectExperiment = `select e.*, (select jsonb_object_agg(t.key, t.value) from tracking_experiment_tags t where t.experiment_id = e.experiment_id) as tags
  from tracking_experiments e`;

function toExperiment(row: ExperimentRow): Experiment {
  return {
    experimentId: String(row.experiment_id),
    name: row.name,
    artifactLocation: row.artifact_location,
    lifecycleStage: row.lifecycle_stage,
    creationTime: Number(row.creation_time),
    lastUpdateTime: Number(row.last_update_time),
    tags: row.tags ?? {},
  };
}

export function parseExperimentId(experimentId: string): number {
  if (!/^\d{1,18}$/.test(experimentId)) {
    throw new MlpError(
      'INVALID_ARGUMENT',
      `Experiment id ${JSON.stringify(experimentId)} is not valid: experiment ids are non-negative integers.`,
    );
  }
  return Number(experimentId);
}

/** MLflow changes tags of active experiments only. */
function assertActive(experiment: Experiment): void {
  if (experiment.lifecycleStage !== 'active') {
    throw new MlpError(
      'FAILED_PRECONDITION',
      `The experiment ${experiment.experimentId} must be in the 'active' state. Current state is ${experiment.lifecycleStage}: restore it first.`,
    );
  }
}

export function createSqlExperiments(db: Database) {
  async function getExperiment(experimentId: string): Promise<Experiment> {
    const [row] = await db.query<ExperimentRow & Record<string, unknown>>(`${selectExperiment} where e.experiment_id = $1`, [
      parseExperimentId(experimentId),
    ]);
    if (!row) throw new MlpError('NOT_FOUND', `No experiment with id ${experimentId}.`);
    return toExperiment(row);
  }

  /**
   * Deleting an experiment deletes its runs, and restoring it restores all of them, as MLflow does.
   * Deleting a deleted one or restoring an active one is NOT_FOUND, as MLflow's lookup by stage answers.
   */
  async function setStage(experimentId: string, from: 'active' | 'deleted', to: 'active' | 'deleted'): Promise<void> {
    const id = parseExperimentId(experimentId);
    const now = Date.now();
    await withTransaction(db, async (client) => {
      const { rows } = await client.query<{ lifecycle_stage: string }>(
        'select lifecycle_stage from tracking_experiments where experiment_id = $1 for update',
        [id],
      );
      if (!rows[0]) throw new MlpError('NOT_FOUND', `No experiment with id ${experimentId}.`);
      if (rows[0].lifecycle_stage !== from) {
        throw new MlpError(
          'NOT_FOUND',
          `No ${from} experiment with id ${experimentId}: it is ${rows[0].lifecycle_stage} already, so there is nothing to ${to === 'deleted' ? 'delete' : 'restore'}.`,
        );
      }
      await client.query('update tracking_experiments set lifecycle_stage = $2, last_update_time = $3 where experiment_id = $1', [
        id,
        to,
        now,
      ]);
      await client.query('update tracking_runs set lifecycle_stage = $2, deleted_time = $3 where experiment_id = $1', [
        id,
        to,
        to === 'deleted' ? now : null,
      ]);
    });
  }

  return {
    getExperiment,

    async createExperiment(input: CreateExperimentInput): Promise<Experiment> {
      const now = Date.now();
      const id = await withTransaction(db, async (client) => {
        try {
          const { rows } = await client.query<{ experiment_id: number }>(
            `insert into tracking_experiments (name, artifact_location, creation_time, last_update_time)
             values ($1, coalesce($2, ''), $3, $3) returning experiment_id`,
            [input.name, input.artifactLocation ?? null, now],
          );
          const experimentId = rows[0]?.experiment_id as number;
          if (!input.artifactLocation) {
            await client.query('update tracking_experiments set artifact_location = $2 where experiment_id = $1', [
              experimentId,
              `mlflow-artifacts:/${experimentId}`,
            ]);
          }
          const tags = Object.entries(input.tags ?? {});
          if (tags.length > 0) {
            await client.query(
              'insert into tracking_experiment_tags (experiment_id, key, value) select $1, * from unnest($2::text[], $3::text[])',
              [experimentId, tags.map(([key]) => key), tags.map(([, value]) => value)],
            );
          }
          return experimentId;
        } catch (error) {
          if ((error as { code?: string }).code === '23505') {
            throw new MlpError(
              'ALREADY_EXISTS',
              `An experiment named ${JSON.stringify(input.name)} already exists (perhaps deleted: restore it or pick another name).`,
            );
          }
          throw error;
        }
      });
      return getExperiment(String(id));
    },

    async getExperimentByName(name: string): Promise<Experiment | undefined> {
      const [row] = await db.query<ExperimentRow & Record<string, unknown>>(`${selectExperiment} where e.name = $1`, [name]);
      return row ? toExperiment(row) : undefined;
    },

    async searchExperiments(input: SearchExperimentsInput = {}): Promise<TrackingPage<Experiment>> {
      const limit = Math.min(input.maxResults ?? 1000, 50_000);
      const offset = decodePageToken(input.pageToken);
      const search = compileExperimentSearch(input.filter, input.orderBy ?? [], 4);
      const rows = await db.query<ExperimentRow & Record<string, unknown>>(
        `${selectExperiment} where e.lifecycle_stage = any($1) and ($2::text is null or e.name ilike '%' || $2 || '%')
         ${search.conditions.map((condition) => `and ${condition}`).join(' ')}
         order by ${search.order.join(', ')} limit $3 offset $4`,
        [lifecycleStagesFor(input.viewType), input.nameContains ?? null, limit + 1, offset, ...search.params],
      );
      return {
        items: rows.slice(0, limit).map(toExperiment),
        ...(rows.length > limit ? { nextPageToken: encodePageToken(offset + limit) } : {}),
      };
    },

    async renameExperiment(experimentId: string, newName: string): Promise<void> {
      if ((await getExperiment(experimentId)).lifecycleStage !== 'active') {
        throw new MlpError('FAILED_PRECONDITION', `Cannot rename a non-active experiment: restore experiment ${experimentId} first.`);
      }
      try {
        await db.query(
          `update tracking_experiments set name = $2, last_update_time = $3 where experiment_id = $1 and lifecycle_stage = 'active'`,
          [parseExperimentId(experimentId), newName, Date.now()],
        );
      } catch (error) {
        if ((error as { code?: string }).code === '23505')
          throw new MlpError('ALREADY_EXISTS', `An experiment named ${JSON.stringify(newName)} already exists.`);
        throw error;
      }
    },

    deleteExperiment: (experimentId: string) => setStage(experimentId, 'active', 'deleted'),
    restoreExperiment: (experimentId: string) => setStage(experimentId, 'deleted', 'active'),

    async setExperimentTag(experimentId: string, key: string, value: string): Promise<void> {
      assertActive(await getExperiment(experimentId));
      await db.query(
        `insert into tracking_experiment_tags (experiment_id, key, value) values ($1, $2, $3)
         on conflict (experiment_id, key) do update set value = excluded.value`,
        [parseExperimentId(experimentId), key, value],
      );
    },

    async deleteExperimentTag(experimentId: string, key: string): Promise<void> {
      assertActive(await getExperiment(experimentId));
      const deleted = await db.query('delete from tracking_experiment_tags where experiment_id = $1 and key = $2 returning key', [
        parseExperimentId(experimentId),
        key,
      ]);
      if (deleted.length === 0) throw new MlpError('NOT_FOUND', `No tag with name: ${key} in experiment with id ${experimentId}.`);
    },
  };
}
