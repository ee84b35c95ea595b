import { MlpError } from '@mlp/core';
import type { Stage } from '../model.js';
import { appendAudit } from '../store/audit.js';
import { loadVersion, loadVersions, lockModel, modelRow } from '../store/loaders.js';
import type { RegistryContext } from '../store/registry-context.js';
import { applyStageChange, type StageTransitionOptions, stageHolder } from '../store/stage-change.js';
import type { GateOutcome } from './gate-types.js';
import { judgePromotion } from './promote.js';

/** Thrown inside the transaction when the stage's newest version changed since the gates read it. */
class LostRace extends Error {}

/**
 * A transition to Production or Staging that gates guard (those listing `scope`, or listing none):
 * judged against the stage's newest version as read now, then applied under the model's lock only if
 * that version is still the newest in the stage, with the promotion's audit entry and events. Blocked:
 * FAILED_PRECONDITION naming the failed gates (unless forced with a reason); a lost race: CONFLICT.
 */
export async function promoteStage(
  context: RegistryContext,
  name: string,
  version: number,
  stage: Stage,
  scope: string,
  options: StageTransitionOptions,
): Promise<void> {
  const force = options.force ?? false;
  const reason = options.reason?.trim() || null;
  if (force && !reason) throw new MlpError('INVALID_ARGUMENT', 'A forced promotion needs a reason: pass { reason } (--reason on the CLI).');
  const actor = options.actor ?? context.actor;
  const { db, events } = context.workspace;
  const model = await modelRow(db, name);
  const modelId = Number(model.model_id);
  const candidate = await loadVersion(db, name, version);
  if (candidate.status !== 'READY') {
    throw new MlpError(
      'FAILED_PRECONDITION',
      `Version ${version} of '${name}' is ${candidate.status}: only READY versions can move to ${stage}.`,
      {
        details: { name, version, status: candidate.status, stage },
      },
    );
  }
  const [newest] = await loadVersions(db, 'v.model_id = $1 and v.current_stage = $2', [modelId, stage], 'order by v.version desc limit 1');
  const previousVersion = newest?.version ?? null;
  const gates = await judgePromotion(context, modelId, candidate, newest, scope);
  const failed = gates.filter((gate) => !gate.passed);
  const base = { name, version, stage, previousVersion, gates };

  const record = (action: string, outcome: string) =>
    db.transaction(async (tx) => {
      await appendAudit(tx, {
        modelName: name,
        version,
        action,
        actor,
        reason,
        details: { stage, previousVersion, gates },
        time: context.now(),
      });
      await events.publish('promotion.decided', { ...base, outcome, actor, reason }, { tx });
    });

  if (failed.length > 0 && !force) {
    await record('promotion.blocked', 'blocked');
    throw blockedError(name, version, stage, failed, base);
  }
  const outcome = failed.length > 0 ? 'forced' : 'promoted';
  try {
    await db.transaction(async (tx) => {
      await lockModel(tx, name);
      if ((await stageHolder(tx, modelId, stage)) !== previousVersion) throw new LostRace();
      const time = context.now();
      const change = await applyStageChange(tx, context.workspace, {
        modelId,
        name,
        version,
        stage,
        archive: options.archiveExistingVersions ?? false,
        actor,
        reason,
        time,
        auditVersion: false,
      });
      await appendAudit(tx, {
        modelName: name,
        version,
        action: outcome === 'forced' ? 'promotion.forced' : 'promotion.promoted',
        actor,
        reason,
        details: { stage, previousVersion, gates, ...change },
        time,
      });
      await events.publish('promotion.decided', { ...base, outcome, actor, reason }, { tx });
    });
  } catch (error) {
    if (!(error instanceof LostRace)) throw error;
    await record('promotion.conflict', 'conflict');
    throw new MlpError(
      'CONFLICT',
      `Promotion of '${name}' version ${version} to ${stage} lost a race: another version moved into ${stage} while its gates were evaluated. Check \`mlp models history ${name}\` and retry.`,
      { details: { name, version, stage, previousVersion } },
    );
  }
}

function blockedError(name: string, version: number, stage: Stage, failed: GateOutcome[], base: object): MlpError {
  const list = failed.map((gate) => `${gate.gate}: ${gate.message}`).join('; ');
  return new MlpError(
    'FAILED_PRECONDITION',
    `Promotion of '${name}' version ${version} to ${stage} is blocked by ${failed.length} gate${failed.length === 1 ? '' : 's'}: ${list}. Fix them, or pass force with a reason.`,
    { details: { ...base, failedGates: failed } },
  );
}
