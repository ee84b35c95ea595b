import { randomUUID } from 'node:crypto';
import { type Database, MlpError } from '@mlp/core';
import { type Run, runStatuses, systemTags } from '../model.js';
import { assembleRuns, type RunRow, runColumns } from './run-rows.js';
import { parseExperimentId } from './sql-experiments.js';
import { withTransaction } from './sql-transaction.js';
import { failStaleRuns } from './stale-runs.js';
import type { CreateRunInput, UpdateRunInput } from './tracking-store.js';

export function createSqlRuns(db: Database) {
  async function getRun(runId: string): Promise<Run> {
    await failStaleRuns(db, runId);
    const rows = await db.query<RunRow & Record<string, unknown>>(`select ${runColumns} from tracking_runs r where r.run_id = $1`, [runId]);
    if (!rows[0]) throw new MlpError('NOT_FOUND', `No run with id ${runId}.`);
    return (await assembleRuns(db, rows))[0] as Run;
  }

  async function setStage(runId: string, from: string, to: string): Promise<void> {
    const rows = await db.query<{ lifecycle_stage: string }>('select lifecycle_stage from tracking_runs where run_id = $1', [runId]);
    if (!rows[0]) throw new MlpError('NOT_FOUND', `No run with id ${runId}.`);
    if (rows[0].lifecycle_stage !== from)
      throw new MlpError('FAILED_PRECONDITION', `Run ${runId} is ${rows[0].lifecycle_stage}, not ${from}.`);
    await db.query('update tracking_runs set lifecycle_stage = $2, deleted_time = $3 where run_id = $1', [
      runId,
      to,
      to === 'deleted' ? Date.now() : null,
    ]);
  }

  return {
    getRun,

    async createRun(input: CreateRunInput): Promise<Run> {
      const experimentId = parseExperimentId(input.experimentId);
      const runId = randomUUID().replaceAll('-', '');
      const tags = { ...input.tags };
      const name = input.name ?? tags[systemTags.runName] ?? `run-${runId.slice(0, 8)}`;
      tags[systemTags.runName] = name;
      if (input.parentRunId) tags[systemTags.parentRunId] = input.parentRunId;
      if (input.userId) tags[systemTags.user] ??= input.userId;
      const startTime = input.startTime ?? Date.now();
      await withTransaction(db, async (client) => {
        const { rows } = await client.query<{ lifecycle_stage: string; artifact_location: string }>(
          'select lifecycle_stage, artifact_location from tracking_experiments where experiment_id = $1 for share',
          [experimentId],
        );
        const experiment = rows[0];
        if (!experiment) throw new MlpError('NOT_FOUND', `No experiment with id ${input.experimentId}.`);
        if (experiment.lifecycle_stage !== 'active') {
          throw new MlpError('FAILED_PRECONDITION', `Experiment ${input.experimentId} is deleted: restore it before starting runs in it.`);
        }
        if (input.parentRunId) {
          const parent = await client.query('select 1 from tracking_runs where run_id = $1', [input.parentRunId]);
          if (parent.rowCount === 0) throw new MlpError('NOT_FOUND', `No parent run with id ${input.parentRunId}.`);
        }
        await client.query(
          `insert into tracking_runs (run_id, experiment_id, name, status, start_time, user_id, artifact_uri, parent_run_id, heartbeat_time, heartbeat_timeout_ms)
           values ($1, $2, $3, 'RUNNING', $4, $5, $6, $7, $8, $9)`,
          [
            runId,
            experimentId,
            name,
            startTime,
            input.userId ?? '',
            `${experiment.artifact_location.replace(/\/+$/, '')}/${runId}/artifacts`,
            input.parentRunId ?? null,
            input.heartbeatTimeoutMs ? Date.now() : null,
            input.heartbeatTimeoutMs ?? null,
          ],
        );
        const entries = Object.entries(tags);
        await client.query('insert into tracking_tags (run_id, key, value) select $1, * from unnest($2::text[], $3::text[])', [
          runId,
          entries.map(([key]) => key),
          entries.map(([, value]) => value),
        ]);
      });
      return getRun(runId);
    },

    async updateRun(runId: string, input: UpdateRunInput): Promise<Run> {
      if (input.status !== undefined && !runStatuses.includes(input.status)) {
        throw new MlpError('INVALID_ARGUMENT', `Run status ${JSON.stringify(input.status)} is not one of ${runStatuses.join(', ')}.`);
      }
      await withTransaction(db, async (client) => {
        const { rowCount } = await client.query(
          `update tracking_runs set status = coalesce($2, status), end_time = coalesce($3, end_time), name = coalesce($4, name),
             heartbeat_time = case when coalesce($2, status) = 'RUNNING' then heartbeat_time else null end
           where run_id = $1`,
          [runId, input.status ?? null, input.endTime ?? null, input.name ?? null],
        );
        if (rowCount === 0) throw new MlpError('NOT_FOUND', `No run with id ${runId}.`);
        if (input.name !== undefined) {
          await client.query(
            `insert into tracking_tags (run_id, key, value) values ($1, $2, $3) on conflict (run_id, key) do update set value = excluded.value`,
            [runId, systemTags.runName, input.name],
          );
        }
      });
      return getRun(runId);
    },

    deleteRun: (runId: string) => setStage(runId, 'active', 'deleted'),
    restoreRun: (runId: string) => setStage(runId, 'deleted', 'active'),

    async heartbeat(runId: string): Promise<void> {
      const rows = await db.query<{ status: string }>(
        `update tracking_runs set heartbeat_time = case when status = 'RUNNING' then $2 else heartbeat_time end where run_id = $1 returning status`,
        [runId, Date.now()],
      );
      if (!rows[0]) throw new MlpError('NOT_FOUND', `No run with id ${runId}.`);
    },
  };
}
