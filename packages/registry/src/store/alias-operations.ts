import { MlpError } from '@mlp/core';
import { sql } from 'drizzle-orm';
import { assertAlias, assertVersionNumber } from '../alias-name.js';
import { gatesGuarding } from '../promotion/evaluate-gates.js';
import { parseGateSpecs } from '../promotion/gate-spec.js';
import { promote } from '../promotion/promote.js';
import type { AliasChangeOptions } from './alias-change-options.js';
import { appendAudit } from './audit.js';
import { lockModel } from './loaders.js';
import { type RegistryContext, txRows } from './registry-context.js';
import { aliasNotFound, versionNotFound } from './rows.js';

export type { AliasChangeOptions } from './alias-change-options.js';

/** Thrown inside the transaction when gates guard the alias: rolls it back, and `promote` decides instead. */
class GuardedAlias extends Error {}

/**
 * Points `alias` at `version` (MLflow's set-alias). An alias no gate guards moves directly; one the
 * model's gates guard moves only through them, as `promote` does (or with `force` and a reason,
 * audited as forced), so no route around the gates exists. NOT_FOUND for a missing version,
 * FAILED_PRECONDITION for one that is not READY or that fails the gates.
 */
export async function setAlias(
  context: RegistryContext,
  name: string,
  alias: string,
  version: number,
  options: AliasChangeOptions = {},
): Promise<void> {
  assertAlias(alias);
  assertVersionNumber(version);
  try {
    await setUnguardedAlias(context, name, alias, version, options);
  } catch (error) {
    if (!(error instanceof GuardedAlias)) throw error;
    await promote(context, name, version, {
      alias,
      ...(options.reason === undefined ? {} : { reason: options.reason }),
      ...(options.actor === undefined ? {} : { actor: options.actor }),
      ...(options.force === undefined ? {} : { force: options.force }),
    });
  }
}

/** Moves an alias no gate guards, in one transaction with its audit entry and event; GuardedAlias when gates guard it. */
async function setUnguardedAlias(
  context: RegistryContext,
  name: string,
  alias: string,
  version: number,
  options: AliasChangeOptions,
): Promise<void> {
  const { db, events } = context.workspace;
  await db.transaction(async (tx) => {
    const modelId = await lockModel(tx, name);
    // Read under the model's lock, which setGates takes too: gates set concurrently are seen.
    const [declared] = await txRows<{ gates: unknown }>(tx, sql`select gates from registry_gates where model_id = ${modelId}`);
    if (declared && gatesGuarding(parseGateSpecs(declared.gates), alias).length > 0) throw new GuardedAlias();
    const [target] = await txRows<{ status: string }>(
      tx,
      sql`select status from registry_versions where model_id = ${modelId} and version = ${version}`,
    );
    if (!target) throw versionNotFound(name, version);
    if (target.status !== 'READY') {
      throw new MlpError(
        'FAILED_PRECONDITION',
        `Version ${version} of '${name}' is ${target.status}: only READY versions can take an alias.`,
      );
    }
    const now = context.now();
    const [before] = await txRows<{ version: number }>(
      tx,
      sql`select version from registry_aliases where model_id = ${modelId} and alias = ${alias}`,
    );
    await tx.execute(sql`insert into registry_aliases (model_id, alias, version, updated_time) values (${modelId}, ${alias}, ${version}, ${now})
        on conflict (model_id, alias) do update set version = excluded.version, revision = registry_aliases.revision + 1, updated_time = excluded.updated_time`);
    const actor = options.actor ?? context.actor;
    const previousVersion = before?.version ?? null;
    await appendAudit(tx, {
      modelName: name,
      version,
      action: 'alias.set',
      actor,
      reason: options.reason,
      details: { alias, previousVersion },
      time: now,
    });
    await events.publish(
      'model_version.alias_set',
      { name, version, alias, previousVersion, actor, reason: options.reason ?? null },
      { tx },
    );
  });
}

export async function deleteAlias(context: RegistryContext, name: string, alias: string, options: AliasChangeOptions = {}): Promise<void> {
  assertAlias(alias);
  const { db, events } = context.workspace;
  await db.transaction(async (tx) => {
    const modelId = await lockModel(tx, name);
    const [removed] = await txRows<{ version: number }>(
      tx,
      sql`delete from registry_aliases where model_id = ${modelId} and alias = ${alias} returning version`,
    );
    if (!removed) throw aliasNotFound(name, alias);
    const actor = options.actor ?? context.actor;
    await appendAudit(tx, {
      modelName: name,
      version: removed.version,
      action: 'alias.deleted',
      actor,
      reason: options.reason,
      details: { alias },
      time: context.now(),
    });
    await events.publish('model_version.alias_deleted', { name, version: removed.version, alias, actor }, { tx });
  });
}
