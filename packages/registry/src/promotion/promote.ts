import { MlpError } from '@mlp/core';
import type { Run } from '@mlp/tracking';
import { sql } from 'drizzle-orm';
import { assertAlias } from '../alias-name.js';
import type { ModelVersion } from '../model.js';
import { appendAudit } from '../store/audit.js';
import { loadVersion, loadVersions, modelRow } from '../store/loaders.js';
import { type RegistryContext, txRows } from '../store/registry-context.js';
import { evaluateGates } from './evaluate-gates.js';
import { readGates } from './gate-store.js';
import type { GateOutcome } from './gate-types.js';

export interface PromoteOptions {
  alias: string;
  /** Why; recorded in the audit log. Required with `force`. */
  reason?: string;
  /** Moves the alias even when gates fail; recorded as forced, with the failed gates. */
  force?: boolean;
  actor?: string;
  signal?: AbortSignal;
}

/** The outcome of a promotion that moved the alias. Blocked promotions throw FAILED_PRECONDITION, lost races CONFLICT. */
export interface PromotionDecision {
  name: string;
  version: number;
  alias: string;
  outcome: 'promoted' | 'forced';
  /** The version that held the alias before, if any. */
  previousVersion: number | null;
  gates: GateOutcome[];
}

/** Thrown inside the transaction when the alias moved since it was read; rolls the transaction back. */
class LostRace extends Error {}

async function runOf(context: RegistryContext, version: ModelVersion | undefined): Promise<Run | undefined> {
  if (!version?.runId) return undefined;
  return context.tracking.getRun(version.runId).catch((error: unknown) => {
    if (MlpError.isInstance(error) && error.code === 'NOT_FOUND') return undefined;
    throw error;
  });
}

/**
 * The outcomes of the gates guarding `scope` (an alias, or a stage's name such as `production`) for
 * `candidate` taking it from `current`, without moving anything.
 */
export async function judgePromotion(
  context: RegistryContext,
  modelId: number | string,
  candidate: ModelVersion,
  current: ModelVersion | undefined,
  scope: string,
  signal?: AbortSignal,
): Promise<GateOutcome[]> {
  const [gates, candidateRun, currentRun] = await Promise.all([
    readGates(context, modelId),
    runOf(context, candidate),
    runOf(context, current),
  ]);
  return evaluateGates(gates, {
    alias: scope,
    candidate,
    candidateRun,
    current,
    currentRun,
    findCheck: (checkName) =>
      context.checks.get(checkName) ?? context.workspace.plugins.find('promotionCheck', (plugin) => plugin.name === checkName),
    ...(signal ? { signal } : {}),
  });
}

/** Gate outcomes for moving `alias` to `version`, without moving it (a dry run). */
export async function checkGates(
  context: RegistryContext,
  name: string,
  version: number,
  alias: string,
  signal?: AbortSignal,
): Promise<{ gates: GateOutcome[]; current: { version: number; revision: number } | undefined; candidate: ModelVersion }> {
  assertAlias(alias);
  const { db } = context.workspace;
  const model = await modelRow(db, name);
  const candidate = await loadVersion(db, name, version);
  if (candidate.status !== 'READY') {
    throw new MlpError(
      'FAILED_PRECONDITION',
      `Version ${version} of '${name}' is ${candidate.status}, not READY: only READY versions can take an alias.`,
      {
        details: { name, version, status: candidate.status },
      },
    );
  }
  const [holder] = await db.query<{ version: number; revision: number }>(
    'select version, revision from registry_aliases where model_id = $1 and alias = $2',
    [model.model_id, alias],
  );
  const currentVersion = holder
    ? (await loadVersions(db, 'v.model_id = $1 and v.version = $2', [model.model_id, holder.version]))[0]
    : undefined;
  const outcomes = await judgePromotion(context, model.model_id, candidate, currentVersion, alias, signal);
  return { gates: outcomes, current: holder, candidate };
}

/**
 * Promotes `version` to `alias`: evaluates every gate against the alias's holder as read now, then
 * moves the alias with a compare-and-set on its revision, in one transaction with the audit entry and
 * the events. If another promotion moved the alias in between, the gates were judged against a
 * stale holder: the promotion is recorded as a conflict and fails with CONFLICT (retry it).
 */
export async function promote(
  context: RegistryContext,
  name: string,
  version: number,
  options: PromoteOptions,
): Promise<PromotionDecision> {
  const { alias, force = false } = options;
  const reason = options.reason?.trim() || null;
  if (force && !reason) throw new MlpError('INVALID_ARGUMENT', 'A forced promotion needs a reason: pass { reason } (--reason on the CLI).');
  const actor = options.actor ?? context.actor;
  const { db, events } = context.workspace;
  const { gates, current } = await checkGates(context, name, version, alias, options.signal);
  const failed = gates.filter((gate) => !gate.passed);
  const previousVersion = current?.version ?? null;
  const base = { name, version, alias, previousVersion, gates };

  const record = async (action: string, outcome: string, extra: Record<string, unknown> = {}) =>
    db.transaction(async (tx) => {
      const time = context.now();
      await appendAudit(tx, {
        modelName: name,
        version,
        action,
        actor,
        reason,
        details: { alias, previousVersion, gates, ...extra },
        time,
      });
      await events.publish('promotion.decided', { ...base, outcome, actor, reason, ...extra }, { tx });
    });

  if (failed.length > 0 && !force) {
    await record('promotion.blocked', 'blocked');
    const list = failed.map((gate) => `${gate.gate}: ${gate.message}`).join('; ');
    throw new MlpError(
      'FAILED_PRECONDITION',
      `Promotion of '${name}' version ${version} to ${alias} is blocked by ${failed.length} gate${failed.length === 1 ? '' : 's'}: ${list}. Fix them, or pass force with a reason.`,
      { details: { ...base, failedGates: failed } },
    );
  }

  const outcome: PromotionDecision['outcome'] = failed.length > 0 ? 'forced' : 'promoted';
  try {
    await db.transaction(async (tx) => {
      const time = context.now();
      // The version must still be READY (a deletion could have raced us) and the alias unmoved.
      const ready = await txRows(
        tx,
        sql`select 1 from registry_versions v join registry_models m on m.model_id = v.model_id
          where m.name = ${name} and v.version = ${version} and v.status = 'READY' for share of v`,
      );
      if (ready.length === 0) throw new LostRace();
      const moved = current
        ? await txRows(
            tx,
            sql`update registry_aliases a set version = ${version}, revision = revision + 1, updated_time = ${time}
            from registry_models m where m.model_id = a.model_id and m.name = ${name} and a.alias = ${alias} and a.revision = ${current.revision}
            returning a.revision`,
          )
        : await txRows(
            tx,
            sql`insert into registry_aliases (model_id, alias, version, updated_time)
            select model_id, ${alias}, ${version}, ${time} from registry_models where name = ${name}
            on conflict (model_id, alias) do nothing returning revision`,
          );
      if (moved.length === 0) throw new LostRace();
      await appendAudit(tx, {
        modelName: name,
        version,
        action: outcome === 'forced' ? 'promotion.forced' : 'promotion.promoted',
        actor,
        reason,
        details: { alias, previousVersion, gates },
        time,
      });
      await events.publish('promotion.decided', { ...base, outcome, actor, reason }, { tx });
      await events.publish('model_version.alias_set', { name, version, alias, previousVersion, actor, reason }, { tx });
    });
  } catch (error) {
    if (!(error instanceof LostRace)) throw error;
    await record('promotion.conflict', 'conflict');
    throw new MlpError(
      'CONFLICT',
      `Promotion of '${name}' version ${version} to ${alias} lost a race: the alias moved (or the version changed) while its gates were evaluated. Check \`mlp models history ${name}\` and retry.`,
      { details: { name, version, alias, previousVersion } },
    );
  }
  return { ...base, outcome };
}
