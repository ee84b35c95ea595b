import { MlpError } from '@mlp/core';
import { sql } from 'drizzle-orm';
import { assertAlias } from '../alias-name.js';
import type { TrafficSplit } from '../model.js';
import type { AliasChangeOptions } from './alias-operations.js';
import { appendAudit } from './audit.js';
import { lockModel, modelRow } from './loaders.js';
import { type RegistryContext, txRows } from './registry-context.js';

/** Stores a weighted alias set for A/B serving; weights are positive integers, each alias must exist. */
export async function setTrafficSplit(
  context: RegistryContext,
  name: string,
  weights: Record<string, number>,
  options: AliasChangeOptions & { split?: string } = {},
): Promise<TrafficSplit> {
  const split = options.split ?? 'default';
  const entries = Object.entries(weights);
  if (entries.length === 0)
    throw new MlpError(
      'INVALID_ARGUMENT',
      'A traffic split needs at least one alias with a weight, such as { champion: 90, challenger: 10 }.',
    );
  for (const [alias, weight] of entries) {
    assertAlias(alias);
    if (!Number.isInteger(weight) || weight < 0 || weight > 1_000_000) {
      throw new MlpError('INVALID_ARGUMENT', `Weight of ${alias} must be a whole number from 0 to 1000000, got ${weight}.`);
    }
  }
  if (entries.every(([, weight]) => weight === 0))
    throw new MlpError('INVALID_ARGUMENT', 'At least one weight of a traffic split must be above 0.');
  const { db, events } = context.workspace;
  const now = context.now();
  const list = entries.map(([alias, weight]) => ({ alias, weight })).sort((a, b) => b.weight - a.weight || (a.alias < b.alias ? -1 : 1));
  await db.transaction(async (tx) => {
    const modelId = await lockModel(tx, name);
    const known = new Set(
      (await txRows<{ alias: string }>(tx, sql`select alias from registry_aliases where model_id = ${modelId}`)).map((row) => row.alias),
    );
    const missing = list.filter((entry) => !known.has(entry.alias)).map((entry) => entry.alias);
    if (missing.length > 0)
      throw new MlpError(
        'NOT_FOUND',
        `Model '${name}' has no alias ${missing.join(', ')}: set the aliases before splitting traffic between them.`,
      );
    await tx.execute(sql`insert into registry_traffic_splits (model_id, name, weights, updated_time) values (${modelId}, ${split}, ${JSON.stringify(list)}::jsonb, ${now})
        on conflict (model_id, name) do update set weights = excluded.weights, updated_time = excluded.updated_time`);
    const actor = options.actor ?? context.actor;
    await appendAudit(tx, {
      modelName: name,
      action: 'traffic_split.set',
      actor,
      reason: options.reason,
      details: { split, weights: list },
      time: now,
    });
    await events.publish('registered_model.traffic_split_set', { name, split, weights: list }, { tx });
  });
  return { name: split, weights: list, updatedTime: now };
}

export async function getTrafficSplit(context: RegistryContext, name: string, split = 'default'): Promise<TrafficSplit | undefined> {
  const { db } = context.workspace;
  const model = await modelRow(db, name);
  const [row] = await db.query<{ name: string; weights: TrafficSplit['weights']; updated_time: string }>(
    'select name, weights, updated_time from registry_traffic_splits where model_id = $1 and name = $2',
    [model.model_id, split],
  );
  return row ? { name: row.name, weights: row.weights, updatedTime: Number(row.updated_time) } : undefined;
}
