import { MlpError } from '@mlp/core';
import { sql } from 'drizzle-orm';
import { assertModelName } from '../alias-name.js';
import { modelPrefix } from '../content/version-blobs.js';
import type { RegisteredModel, RegistryPage } from '../model.js';
import { appendAudit } from './audit.js';
import { loadModel, lockModel, modelRow } from './loaders.js';
import type { RegistryContext } from './registry-context.js';

export interface CreateModelInput {
  name: string;
  description?: string;
  tags?: Record<string, string>;
  actor?: string;
}

export interface ListModelsInput {
  /** Case-insensitive substring of the name. */
  nameContains?: string;
  maxResults?: number;
  pageToken?: string;
}

const isUniqueViolation = (error: unknown) =>
  (error as { code?: string }).code === '23505' || (error as { cause?: { code?: string } }).cause?.code === '23505';

export async function createModel(context: RegistryContext, input: CreateModelInput): Promise<RegisteredModel> {
  assertModelName(input.name);
  const { db, events } = context.workspace;
  const now = context.now();
  try {
    await db.transaction(async (tx) => {
      const result = (await tx.execute(sql`insert into registry_models (name, description, creation_time, last_updated_time)
          values (${input.name}, ${input.description ?? ''}, ${now}, ${now}) returning model_id`)) as unknown as {
        rows: Array<{ model_id: string }>;
      };
      const modelId = result.rows[0]?.model_id;
      for (const [key, value] of Object.entries(input.tags ?? {})) {
        await tx.execute(sql`insert into registry_model_tags (model_id, key, value) values (${modelId}, ${key}, ${value})`);
      }
      await appendAudit(tx, { modelName: input.name, action: 'registered_model.created', actor: input.actor ?? context.actor, time: now });
      await events.publish('registered_model.created', { name: input.name }, { tx });
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new MlpError(
        'ALREADY_EXISTS',
        `Registered model '${input.name}' already exists: pick another name or register a version of it.`,
        {
          details: { name: input.name },
        },
      );
    }
    throw error;
  }
  return getModel(context, input.name);
}

export async function getModel(context: RegistryContext, name: string): Promise<RegisteredModel> {
  const { db } = context.workspace;
  return loadModel(db, await modelRow(db, name));
}

export async function listModels(context: RegistryContext, input: ListModelsInput = {}): Promise<RegistryPage<RegisteredModel>> {
  const { db } = context.workspace;
  const maxResults = input.maxResults ?? 100;
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 1000) {
    throw new MlpError('INVALID_ARGUMENT', `maxResults must be a whole number from 1 to 1000, got ${maxResults}.`);
  }
  const after = input.pageToken ? Buffer.from(input.pageToken, 'base64url').toString('utf8') : '';
  const pattern = input.nameContains ? `%${input.nameContains.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : '%';
  const rows = await db.query<{ model_id: string; name: string; description: string; creation_time: string; last_updated_time: string }>(
    'select * from registry_models where name > $1 and name ilike $2 order by name limit $3',
    [after, pattern, maxResults + 1],
  );
  const page = rows.slice(0, maxResults);
  const items = await Promise.all(page.map((row) => loadModel(db, row)));
  const last = page.at(-1);
  return rows.length > maxResults && last ? { items, nextPageToken: Buffer.from(last.name, 'utf8').toString('base64url') } : { items };
}

export async function updateModel(
  context: RegistryContext,
  name: string,
  input: { description: string; actor?: string },
): Promise<RegisteredModel> {
  const { db } = context.workspace;
  await db.transaction(async (tx) => {
    await lockModel(tx, name);
    const now = context.now();
    await tx.execute(sql`update registry_models set description = ${input.description}, last_updated_time = ${now} where name = ${name}`);
    await appendAudit(tx, {
      modelName: name,
      action: 'registered_model.updated',
      actor: input.actor ?? context.actor,
      details: { description: input.description },
      time: now,
    });
  });
  return getModel(context, name);
}

export async function renameModel(context: RegistryContext, name: string, newName: string, actor?: string): Promise<RegisteredModel> {
  assertModelName(newName);
  const { db, events } = context.workspace;
  try {
    await db.transaction(async (tx) => {
      await lockModel(tx, name);
      const now = context.now();
      await tx.execute(sql`update registry_models set name = ${newName}, last_updated_time = ${now} where name = ${name}`);
      // History follows the model: earlier entries are kept under the old name, and this one links both.
      await appendAudit(tx, {
        modelName: newName,
        action: 'registered_model.renamed',
        actor: actor ?? context.actor,
        details: { from: name, to: newName },
        time: now,
      });
      await events.publish('registered_model.renamed', { name: newName, previousName: name }, { tx });
    });
  } catch (error) {
    if (isUniqueViolation(error))
      throw new MlpError('ALREADY_EXISTS', `Cannot rename '${name}' to '${newName}': a model of that name exists.`);
    throw error;
  }
  return getModel(context, newName);
}

/** Deletes the model, its versions, aliases and tags, then its versions' bytes; the audit log keeps the history. */
export async function deleteModel(context: RegistryContext, name: string, actor?: string): Promise<void> {
  const { db, events, blobs } = context.workspace;
  const modelId = await db.transaction(async (tx) => {
    const id = await lockModel(tx, name);
    await tx.execute(sql`delete from registry_models where name = ${name}`);
    await appendAudit(tx, { modelName: name, action: 'registered_model.deleted', actor: actor ?? context.actor, time: context.now() });
    await events.publish('registered_model.deleted', { name }, { tx });
    return id;
  });
  for await (const blob of blobs.list(modelPrefix(modelId))) await blobs.delete(blob.key);
}

export async function setModelTag(context: RegistryContext, name: string, key: string, value: string): Promise<void> {
  if (typeof key !== 'string' || key === '' || key.length > 250)
    throw new MlpError('INVALID_ARGUMENT', `Invalid tag key ${JSON.stringify(key)}: use 1 to 250 characters.`);
  const { db } = context.workspace;
  await db.transaction(async (tx) => {
    const modelId = await lockModel(tx, name);
    await tx.execute(sql`insert into registry_model_tags (model_id, key, value) values (${modelId}, ${key}, ${value})
        on conflict (model_id, key) do update set value = excluded.value`);
  });
}

export async function deleteModelTag(context: RegistryContext, name: string, key: string): Promise<void> {
  const { db } = context.workspace;
  await db.transaction(async (tx) => {
    const modelId = await lockModel(tx, name);
    await tx.execute(sql`delete from registry_model_tags where model_id = ${modelId} and key = ${key}`);
  });
}
