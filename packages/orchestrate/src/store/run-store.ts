import { MlpError, type Workspace } from '@mlp/core';
import { sql } from 'drizzle-orm';
import type { PipelineDefinition } from '../pipeline/define-pipeline.js';
import type { PipelineRef } from '../pipeline/pipeline-types.js';
import type { PipelineRunStatus, RunTrigger } from '../run/run-types.js';
import { taskIdOf } from './task-store.js';

export interface RunRecord {
  runId: string;
  pipelineName: string;
  modulePath: string;
  sourceHash: string;
  params: unknown;
  status: PipelineRunStatus;
  trigger: RunTrigger;
  executor: string;
  owner: string | undefined;
  leaseExpiresAt: number | undefined;
  cancelRequested: boolean;
  error: string | undefined;
  createdTime: number;
  startedTime: number | undefined;
  endedTime: number | undefined;
}

interface RunRow extends Record<string, unknown> {
  run_id: string;
  pipeline_name: string;
  module_path: string;
  source_hash: string;
  params: unknown;
  status: PipelineRunStatus;
  trigger_kind: RunTrigger['kind'];
  trigger_key: string | null;
  logical_time: string | number | null;
  executor: string;
  owner: string | null;
  lease_expires_at: string | number | null;
  cancel_requested: boolean;
  error: string | null;
  created_time: string | number;
  started_time: string | number | null;
  ended_time: string | number | null;
}

const num = (value: string | number | null): number | undefined => (value === null ? undefined : Number(value));

export function runRecordOf(row: RunRow): RunRecord {
  return {
    runId: row.run_id,
    pipelineName: row.pipeline_name,
    modulePath: row.module_path,
    sourceHash: row.source_hash,
    params: row.params,
    status: row.status,
    trigger: {
      kind: row.trigger_kind,
      ...(row.trigger_key === null ? {} : { key: row.trigger_key }),
      ...(row.logical_time === null ? {} : { logicalTime: Number(row.logical_time) }),
    },
    executor: row.executor,
    owner: row.owner ?? undefined,
    leaseExpiresAt: num(row.lease_expires_at),
    cancelRequested: row.cancel_requested,
    error: row.error ?? undefined,
    createdTime: Number(row.created_time),
    startedTime: num(row.started_time),
    endedTime: num(row.ended_time),
  };
}

/** Records (or updates) a pipeline's module, source hash and graph, so `run NAME` and schedulers find it. */
export async function recordPipeline(
  workspace: Workspace,
  pipeline: PipelineDefinition,
  ref: PipelineRef,
  now = Date.now(),
): Promise<void> {
  const steps = pipeline.steps.map((step) => ({
    name: step.name,
    kind: step.kind,
    needs: step.needs,
    over: step.over ?? null,
    trigger_rule: step.triggerRule,
    retries: step.retries,
    pool: step.pool ?? null,
    process: step.process,
  }));
  await workspace.db.query(
    `insert into orchestrate_pipelines (name, module_path, source_hash, steps, schedule, triggers, description, created_time, updated_time)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $8)
     on conflict (name) do update set module_path = excluded.module_path, source_hash = excluded.source_hash, steps = excluded.steps,
       schedule = excluded.schedule, triggers = excluded.triggers, description = excluded.description, updated_time = excluded.updated_time`,
    [
      pipeline.name,
      ref.modulePath,
      ref.sourceHash,
      JSON.stringify(steps),
      pipeline.schedule ? JSON.stringify(pipeline.schedule) : null,
      pipeline.triggers ? JSON.stringify(pipeline.triggers) : null,
      pipeline.description ?? null,
      now,
    ],
  );
}

export interface CreateRunInput {
  runId: string;
  pipeline: PipelineDefinition;
  ref: PipelineRef;
  params: unknown;
  trigger: RunTrigger;
  executor: string;
  owner: string;
  leaseMs: number;
  now: number;
}

/**
 * Creates a run with one pending task per step, claimed by `owner`, and announces it. With a trigger
 * key already used for this pipeline, creates nothing and returns the existing run's id.
 */
export async function createRun(workspace: Workspace, input: CreateRunInput): Promise<{ runId: string; created: boolean }> {
  const { runId, pipeline, ref, trigger, now } = input;
  return workspace.db.transaction(async (tx) => {
    const inserted = await tx.execute<{ run_id: string }>(sql`insert into orchestrate_runs
        (run_id, pipeline_name, module_path, source_hash, params, status, trigger_kind, trigger_key, logical_time, executor,
         owner, lease_expires_at, created_time, started_time)
      values (${runId}, ${pipeline.name}, ${ref.modulePath}, ${ref.sourceHash}, ${JSON.stringify(input.params)}::jsonb, 'running',
        ${trigger.kind}, ${trigger.key ?? null}, ${trigger.logicalTime ?? null}, ${input.executor}, ${input.owner}, ${now + input.leaseMs}, ${now}, ${now})
      on conflict (pipeline_name, trigger_key) do nothing
      returning run_id`);
    if (inserted.rows.length === 0) {
      const existing = await tx.execute<{ run_id: string }>(
        sql`select run_id from orchestrate_runs where pipeline_name = ${pipeline.name} and trigger_key = ${trigger.key ?? null}`,
      );
      const found = existing.rows[0]?.run_id;
      if (!found)
        throw new MlpError(
          'CONFLICT',
          `a run of '${pipeline.name}' with trigger key '${trigger.key}' was being created at the same time; try again.`,
        );
      return { runId: found, created: false };
    }
    const ids = pipeline.steps.map((step) => taskIdOf(runId, step.name));
    const names = pipeline.steps.map((step) => step.name);
    await tx.execute(sql`insert into orchestrate_tasks (task_id, run_id, step, map_index, position, status)
      select id, ${runId}, step, -1, a.n, 'pending'
        from jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb) with ordinality as a(id, n)
        join jsonb_array_elements_text(${JSON.stringify(names)}::jsonb) with ordinality as b(step, m) on a.n = b.m`);
    await workspace.events.publish(
      'pipeline_run.started',
      { run_id: runId, pipeline: pipeline.name, trigger: trigger.kind, trigger_key: trigger.key ?? null, source_hash: ref.sourceHash },
      { tx },
    );
    return { runId, created: true };
  });
}

/** Ends a run and announces it; the claim on it is released. */
export async function finishRun(
  workspace: Workspace,
  runId: string,
  pipeline: string,
  status: PipelineRunStatus,
  error: string | undefined,
  now: number,
): Promise<void> {
  await workspace.db.transaction(async (tx) => {
    await tx.execute(sql`update orchestrate_runs set status = ${status}, error = ${error ?? null}, ended_time = ${now}, owner = null,
        lease_expires_at = null, cancel_requested = false
      where run_id = ${runId}`);
    await workspace.events.publish('pipeline_run.finished', { run_id: runId, pipeline, status, error: error ?? null }, { tx });
  });
}

/**
 * Renews the claim on a run and the leases of the attempts this owner runs; returns whether a cancel
 * was requested, or undefined when the claim was lost (another engine took the run over).
 */
export async function heartbeat(
  workspace: Workspace,
  runId: string,
  owner: string,
  leaseMs: number,
  now: number,
): Promise<{ cancel: boolean } | undefined> {
  const rows = await workspace.db.query<{ cancel_requested: boolean }>(
    `with renewed as (
       update orchestrate_attempts set lease_expires_at = $3 where run_id = $1 and status = 'running' and lease_owner = $2
     )
     update orchestrate_runs set lease_expires_at = $3 where run_id = $1 and owner = $2 returning cancel_requested`,
    [runId, owner, now + leaseMs],
  );
  return rows[0] ? { cancel: rows[0].cancel_requested } : undefined;
}

/**
 * Takes over a run whose claim expired (its engine is gone) or that nobody drives (a retry): returns
 * whether `owner` now holds it. Two engines racing for one run: one wins. `takeOverFrom` names an
 * engine known to be gone before its claim expired (its process no longer exists on this machine).
 */
export async function claimRun(
  workspace: Workspace,
  runId: string,
  owner: string,
  leaseMs: number,
  now: number,
  takeOverFrom?: string,
): Promise<boolean> {
  const rows = await workspace.db.query(
    `update orchestrate_runs set owner = $2, lease_expires_at = $4
      where run_id = $1 and status in ('queued', 'running')
        and (owner is null or lease_expires_at is null or lease_expires_at < $3 or owner = $5)
      returning run_id`,
    [runId, owner, now, now + leaseMs, takeOverFrom ?? null],
  );
  return rows.length === 1;
}

export async function getRun(workspace: Workspace, runId: string): Promise<RunRecord> {
  const rows = await workspace.db.query<RunRow>('select * from orchestrate_runs where run_id = $1', [runId]);
  const row = rows[0];
  if (!row) throw new MlpError('NOT_FOUND', `no pipeline run '${runId}'; list runs with \`mlp pipeline runs\`.`);
  return runRecordOf(row);
}

/** Runs whose engine is gone: still running, claim expired. */
export async function orphanedRuns(workspace: Workspace, now: number, pipeline?: string): Promise<string[]> {
  const rows = await workspace.db.query<{ run_id: string }>(
    `select run_id from orchestrate_runs where status in ('queued', 'running') and (lease_expires_at is null or lease_expires_at < $1)
       and ($2::text is null or pipeline_name = $2) order by created_time`,
    [now, pipeline ?? null],
  );
  return rows.map((row) => row.run_id);
}

/** Runs still claimed by an engine on host `host` (owner `host:pid:…`), with their owners. */
export async function runsClaimedOnHost(
  workspace: Workspace,
  host: string,
  pipeline?: string,
): Promise<Array<{ runId: string; owner: string }>> {
  const rows = await workspace.db.query<{ run_id: string; owner: string }>(
    `select run_id, owner from orchestrate_runs where status in ('queued', 'running') and starts_with(owner, $1)
       and ($2::text is null or pipeline_name = $2) order by created_time`,
    [`${host}:`, pipeline ?? null],
  );
  return rows.map((row) => ({ runId: row.run_id, owner: row.owner }));
}

/** Asks the engine driving a run to cancel it; returns the run as it is now. */
export async function requestCancel(workspace: Workspace, runId: string): Promise<RunRecord> {
  await workspace.db.query(`update orchestrate_runs set cancel_requested = true where run_id = $1 and status in ('queued', 'running')`, [
    runId,
  ]);
  return getRun(workspace, runId);
}
