import type { Workspace } from '@mlp/core';
import type { RunSummary, TaskSummary } from '../run/run-types.js';
import { getRun, type RunRecord, runRecordOf } from './run-store.js';
import { loadRunTasks } from './run-tasks.js';

/** A run with its tasks in definition order (map items after their step), as `show` and `startRun`'s `done` give it. */
export async function loadRunSummary(workspace: Workspace, runId: string): Promise<RunSummary> {
  const [run, rows] = await Promise.all([getRun(workspace, runId), loadRunTasks(workspace, runId)]);
  // Rows come in definition order, each map step followed by its items.
  const tasks: TaskSummary[] = rows.map(taskSummaryOf);
  return summaryOf(run, tasks);
}

function taskSummaryOf(row: Awaited<ReturnType<typeof loadRunTasks>>[number]): TaskSummary {
  return {
    taskId: row.taskId,
    name: row.step,
    mapIndex: row.mapIndex < 0 ? undefined : row.mapIndex,
    status: row.status,
    attempts: row.attempts,
    cached: row.cached,
    startedAt: row.startedTime,
    endedAt: row.endedTime,
    error: row.error,
  };
}

function summaryOf(run: RunRecord, tasks: TaskSummary[]): RunSummary {
  return {
    runId: run.runId,
    pipeline: run.pipelineName,
    status: run.status,
    params: run.params,
    trigger: run.trigger,
    sourceHash: run.sourceHash,
    createdAt: run.createdTime,
    startedAt: run.startedTime,
    endedAt: run.endedTime,
    error: run.error,
    tasks,
  };
}

export interface ListRunsOptions {
  pipeline?: string;
  limit?: number;
}

/** Runs, newest first, without their tasks. */
export async function listRuns(workspace: Workspace, options: ListRunsOptions = {}): Promise<RunSummary[]> {
  const rows = await workspace.db.query(
    `select * from orchestrate_runs where ($1::text is null or pipeline_name = $1) order by created_time desc, run_id limit $2`,
    [options.pipeline ?? null, options.limit ?? 50],
  );
  return rows.map((row) => summaryOf(runRecordOf(row as Parameters<typeof runRecordOf>[0]), []));
}

export interface PipelineRecord {
  name: string;
  modulePath: string;
  sourceHash: string;
  steps: Array<{ name: string; kind: string; needs: string[] }>;
  schedule: unknown;
  triggers: unknown;
  updatedAt: number;
  lastRun: { runId: string; status: string; createdAt: number } | undefined;
}

/** The recorded pipelines with their latest run. */
export async function listPipelines(workspace: Workspace): Promise<PipelineRecord[]> {
  const rows = await workspace.db.query<Record<string, unknown>>(
    `select p.*, r.run_id as last_run_id, r.status as last_status, r.created_time as last_created
       from orchestrate_pipelines p
       left join lateral (select run_id, status, created_time from orchestrate_runs where pipeline_name = p.name order by created_time desc limit 1) r on true
      order by p.name`,
  );
  return rows.map((row) => ({
    name: row.name as string,
    modulePath: row.module_path as string,
    sourceHash: row.source_hash as string,
    steps: row.steps as PipelineRecord['steps'],
    schedule: row.schedule,
    triggers: row.triggers,
    updatedAt: Number(row.updated_time),
    lastRun: row.last_run_id
      ? { runId: row.last_run_id as string, status: row.last_status as string, createdAt: Number(row.last_created) }
      : undefined,
  }));
}

/** Where a recorded pipeline's module is, or undefined. */
export async function findPipelineRecord(
  workspace: Workspace,
  name: string,
): Promise<{ modulePath: string; sourceHash: string } | undefined> {
  const rows = await workspace.db.query<{ module_path: string; source_hash: string }>(
    'select module_path, source_hash from orchestrate_pipelines where name = $1',
    [name],
  );
  return rows[0] ? { modulePath: rows[0].module_path, sourceHash: rows[0].source_hash } : undefined;
}

export type { RunRecord };
