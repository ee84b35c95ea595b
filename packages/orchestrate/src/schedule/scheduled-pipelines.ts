import type { Workspace } from '@mlp/core';
import { isNotNull } from 'drizzle-orm';
import type { PipelineRef, PipelineSchedule } from '../pipeline/pipeline-types.js';
import { pipelines } from '../store/schema.js';

/** A recorded pipeline with a schedule: what a scheduler fires. */
export interface ScheduledPipeline {
  ref: PipelineRef;
  schedule: PipelineSchedule;
}

/** The pipelines recorded in the workspace that have a schedule. */
export async function listScheduledPipelines(workspace: Workspace): Promise<ScheduledPipeline[]> {
  const rows = await workspace.db.drizzle
    .select({ name: pipelines.name, modulePath: pipelines.modulePath, sourceHash: pipelines.sourceHash, schedule: pipelines.schedule })
    .from(pipelines)
    .where(isNotNull(pipelines.schedule))
    .orderBy(pipelines.name);
  return rows.map((row) => ({
    ref: { name: row.name, modulePath: row.modulePath, sourceHash: row.sourceHash },
    schedule: row.schedule as PipelineSchedule,
  }));
}

/** The latest tick a schedule (not a backfill) started a run for, from the runs table. */
export async function lastScheduledTick(workspace: Workspace, pipeline: string): Promise<number | undefined> {
  const [row] = await workspace.db.query<{ last: string | null }>(
    `SELECT max(logical_time) AS last FROM orchestrate_runs WHERE pipeline_name = $1 AND trigger_kind = 'schedule'`,
    [pipeline],
  );
  return row?.last == null ? undefined : Number(row.last);
}
