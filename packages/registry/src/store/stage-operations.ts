import { sql } from 'drizzle-orm';
import { assertVersionNumber } from '../alias-name.js';
import { type ModelVersion, type Stage, stages } from '../model.js';
import { gatesGuarding } from '../promotion/evaluate-gates.js';
import { parseGateSpecs } from '../promotion/gate-spec.js';
import { promoteStage } from '../promotion/promote-stage.js';
import { stageGateScope } from '../stages.js';
import { loadVersion, loadVersions, lockModel, modelRow } from './loaders.js';
import { type RegistryContext, txRows } from './registry-context.js';
import { applyStageChange, assertArchivable, type StageTransitionOptions } from './stage-change.js';

export type { StageTransitionOptions } from './stage-change.js';

/** Thrown inside the transaction when gates guard the stage: rolls it back, and `promoteStage` decides instead. */
class GuardedStage extends Error {}

/**
 * MLflow's transition-stage: sets the version's stage, archiving the others in that stage only with
 * `archiveExistingVersions`. Aliases are untouched. Moving to Production or Staging is a promotion:
 * the gates guarding `production` or `staging` judge it (force needs a reason), as for those aliases.
 */
export async function transitionStage(
  context: RegistryContext,
  name: string,
  version: number,
  stage: Stage,
  options: StageTransitionOptions = {},
): Promise<ModelVersion> {
  assertVersionNumber(version);
  assertArchivable(stage, options.archiveExistingVersions);
  const scope = stageGateScope(stage);
  const { db } = context.workspace;
  try {
    await db.transaction(async (tx) => {
      const modelId = await lockModel(tx, name);
      if (scope) {
        // Read under the model's lock, which setGates takes too: gates set concurrently are seen.
        const [declared] = await txRows<{ gates: unknown }>(tx, sql`select gates from registry_gates where model_id = ${modelId}`);
        if (declared && gatesGuarding(parseGateSpecs(declared.gates), scope).length > 0) throw new GuardedStage();
      }
      await applyStageChange(tx, context.workspace, {
        modelId,
        name,
        version,
        stage,
        archive: options.archiveExistingVersions ?? false,
        actor: options.actor ?? context.actor,
        reason: options.reason?.trim() || null,
        time: context.now(),
        auditVersion: true,
      });
    });
  } catch (error) {
    if (!(error instanceof GuardedStage) || !scope) throw error;
    await promoteStage(context, name, version, stage, scope, options);
  }
  return loadVersion(db, name, version);
}

/**
 * MLflow's get-latest-versions: the newest version in each stage asked for (every stage, `Archived`
 * included, when none is named), whatever its status, oldest first.
 */
export async function latestVersions(context: RegistryContext, name: string, wanted?: readonly Stage[]): Promise<ModelVersion[]> {
  const { db } = context.workspace;
  const model = await modelRow(db, name);
  const asked = wanted && wanted.length > 0 ? [...new Set(wanted)] : [...stages];
  return loadVersions(
    db,
    `v.model_id = $1 and v.version in (select max(s.version) from registry_versions s where s.model_id = $1 and s.current_stage = any($2::text[]) group by s.current_stage)`,
    [model.model_id, asked],
  );
}
