import { MlpError, type Workspace } from '@mlp/core';
import { eq, isNotNull } from 'drizzle-orm';
import type { PipelineRef, PipelineSchedule } from '../pipeline/pipeline-types.js';
import { pipelines } from '../store/schema.js';

/** An empty hash: a scheduled or triggered run runs the module as it is now (and records its new hash). */
const currentSource = '';

/** A recorded pipeline with a schedule: what a scheduler fires. */
export interface ScheduledPipeline {
  ref: PipelineRef;
  schedule: PipelineSchedule;
}

/** The pipelines recorded in the workspace that have a schedule. */
export async function listScheduledPipelines(workspace: Workspace): Promise<ScheduledPipeline[]> {
  const rows = await workspace.db.drizzle
    .select({ name: pipelines.name, modulePath: pipelines.modulePath, schedule: pipelines.schedule })
    .from(pipelines)
    .where(isNotNull(pipelines.schedule))
    .orderBy(pipelines.name);
  return rows.map((row) => ({
    ref: { name: row.name, modulePath: row.modulePath, sourceHash: currentSource },
    schedule: row.schedule as PipelineSchedule,
  }));
}

/** A recorded pipeline by name, with its schedule if it has one; NOT_FOUND naming how to record it. */
export async function findRecordedPipeline(
  workspace: Workspace,
  name: string,
): Promise<{ ref: PipelineRef; schedule: PipelineSchedule | undefined }> {
  const [row] = await workspace.db.drizzle
    .select({ name: pipelines.name, modulePath: pipelines.modulePath, schedule: pipelines.schedule })
    .from(pipelines)
    .where(eq(pipelines.name, name));
  if (!row)
    throw new MlpError(
      'NOT_FOUND',
      `no pipeline named '${name}' is recorded in this workspace; run it once with \`mlp pipeline run FILE\` to record it.`,
    );
  return {
    ref: { name: row.name, modulePath: row.modulePath, sourceHash: currentSource },
    schedule: (row.schedule as PipelineSchedule | null) ?? undefined,
  };
}

/** The latest tick a schedule (not a backfill) started a run for, from the runs table. */
export async function lastScheduledTick(workspace: Workspace, pipeline: string): Promise<number | undefined> {
  const [row] = await workspace.db.query<{ last: string | null }>(
    `SELECT max(logical_time) AS last FROM orchestrate_runs WHERE pipeline_name = $1 AND trigger_kind = 'schedule'`,
    [pipeline],
  );
  return row?.last == null ? undefined : Number(row.last);
}
