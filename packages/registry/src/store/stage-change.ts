import { type DbExecutor, MlpError, type Workspace } from '@mlp/core';
import { sql } from 'drizzle-orm';
import type { Stage } from '../model.js';
import { activeStages } from '../stages.js';
import type { AliasChangeOptions } from './alias-change-options.js';
import { appendAudit } from './audit.js';
import { txRows } from './registry-context.js';
import { versionNotFound } from './rows.js';

/** Who moves a version's stage and why; `force` overrides failing gates, as for aliases. */
export interface StageTransitionOptions extends AliasChangeOptions {
  /**
   * MLflow's `archive_existing_versions`: the other versions in the target stage move to `Archived`.
   * Only for `Staging` and `Production`. False by default, as in MLflow: the stage then holds several versions.
   */
  archiveExistingVersions?: boolean;
}

/** What a transition changed: the version's stage before, and the versions it archived. */
export interface StageChange {
  previousStage: Stage;
  archivedVersions: number[];
}

/** MLflow refuses archiving for a stage that is not active; so does mlp, before anything is read. */
export function assertArchivable(stage: Stage, archive: boolean | undefined): void {
  if (archive && !(activeStages as readonly Stage[]).includes(stage)) {
    throw new MlpError(
      'INVALID_ARGUMENT',
      `Cannot archive existing versions when moving to ${stage}: only ${activeStages.join(' and ')} archive the versions they hold. Pass archive_existing_versions=false.`,
      { details: { stage } },
    );
  }
}

/** The newest version in `stage` (MLflow's latest version of that stage), or null; read inside the caller's transaction. */
export async function stageHolder(tx: DbExecutor, modelId: number, stage: Stage): Promise<number | null> {
  const [row] = await txRows<{ version: number | null }>(
    tx,
    sql`select max(version) as version from registry_versions where model_id = ${modelId} and current_stage = ${stage}`,
  );
  return row?.version ?? null;
}

/**
 * Moves `version` to `stage` inside the caller's transaction, which holds the model's lock: archives
 * the others in that stage when asked (MLflow's transition), stamps the times, and audits and
 * announces every version that moved (the moved one's audit entry is left to a promotion when
 * `auditVersion` is false). Active stages take only READY versions.
 */
export async function applyStageChange(
  tx: DbExecutor,
  workspace: Workspace,
  change: {
    modelId: number;
    name: string;
    version: number;
    stage: Stage;
    archive: boolean;
    actor: string;
    reason: string | null;
    time: number;
    /** Whether this function writes the moved version's audit entry (false when a promotion entry records it). */
    auditVersion: boolean;
  },
): Promise<StageChange> {
  const { modelId, name, version, stage, actor, reason, time } = change;
  const [row] = await txRows<{ status: string; current_stage: Stage }>(
    tx,
    sql`select status, current_stage from registry_versions where model_id = ${modelId} and version = ${version} for update`,
  );
  if (!row) throw versionNotFound(name, version);
  if ((activeStages as readonly Stage[]).includes(stage) && row.status !== 'READY') {
    throw new MlpError(
      'FAILED_PRECONDITION',
      `Version ${version} of '${name}' is ${row.status}: only READY versions can move to ${stage}.`,
      { details: { name, version, status: row.status, stage } },
    );
  }
  const archived = change.archive
    ? await txRows<{ version: number }>(
        tx,
        sql`update registry_versions set current_stage = 'Archived', last_updated_time = ${time}
          where model_id = ${modelId} and version <> ${version} and current_stage = ${stage} returning version`,
      )
    : [];
  await tx.execute(
    sql`update registry_versions set current_stage = ${stage}, last_updated_time = ${time} where model_id = ${modelId} and version = ${version}`,
  );
  await tx.execute(sql`update registry_models set last_updated_time = ${time} where model_id = ${modelId}`);
  const archivedVersions = archived.map((entry) => entry.version).sort((a, b) => a - b);
  const announce = (moved: number, to: Stage, from: Stage) =>
    workspace.events.publish(
      'model_version.stage_transitioned',
      { name, version: moved, stage: to, previousStage: from, actor, reason },
      { tx },
    );
  for (const moved of archivedVersions) {
    const details = { stage: 'Archived', previousStage: stage, archivedBy: version };
    await appendAudit(tx, { modelName: name, version: moved, action: 'model_version.stage_transitioned', actor, reason, details, time });
    await announce(moved, 'Archived', stage);
  }
  if (change.auditVersion) {
    const details = { stage, previousStage: row.current_stage, archivedVersions };
    await appendAudit(tx, { modelName: name, version, action: 'model_version.stage_transitioned', actor, reason, details, time });
  }
  await announce(version, stage, row.current_stage);
  return { previousStage: row.current_stage, archivedVersions };
}
