import { sql } from 'drizzle-orm';
import type { AliasChangeOptions } from '../store/alias-change-options.js';
import { appendAudit } from '../store/audit.js';
import { lockModel, modelRow } from '../store/loaders.js';
import type { RegistryContext } from '../store/registry-context.js';
import { parseGateSpecs } from './gate-spec.js';
import type { GateSpec } from './gate-types.js';

/** The gates declared for a model (by id), or none. */
export async function readGates(context: RegistryContext, modelId: number | string): Promise<GateSpec[]> {
  const [row] = await context.workspace.db.query<{ gates: unknown }>('select gates from registry_gates where model_id = $1', [modelId]);
  return row ? parseGateSpecs(row.gates) : [];
}

/** Declares the model's promotion gates (replacing earlier ones); validated before they are stored. */
export async function setGates(
  context: RegistryContext,
  name: string,
  gates: unknown,
  options: AliasChangeOptions = {},
): Promise<GateSpec[]> {
  const parsed = parseGateSpecs(gates);
  const { db } = context.workspace;
  await db.transaction(async (tx) => {
    const modelId = await lockModel(tx, name);
    const now = context.now();
    await tx.execute(sql`insert into registry_gates (model_id, gates, updated_time) values (${modelId}, ${JSON.stringify(parsed)}::jsonb, ${now})
        on conflict (model_id) do update set gates = excluded.gates, updated_time = excluded.updated_time`);
    await appendAudit(tx, {
      modelName: name,
      action: 'gates.set',
      actor: options.actor ?? context.actor,
      reason: options.reason,
      details: { gates: parsed },
      time: now,
    });
  });
  return parsed;
}

export async function getGates(context: RegistryContext, name: string): Promise<GateSpec[]> {
  const model = await modelRow(context.workspace.db, name);
  return readGates(context, model.model_id);
}
