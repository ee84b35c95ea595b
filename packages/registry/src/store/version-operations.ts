import { MlpError } from '@mlp/core';
import { sql } from 'drizzle-orm';
import { assertVersionNumber } from '../alias-name.js';
import { downloadVersionFiles, versionArtifactUri, versionPrefix } from '../content/version-blobs.js';
import type { ModelVersion } from '../model.js';
import { type ModelReference, parseModelUri } from '../model-uri.js';

import { appendAudit } from './audit.js';
import { loadVersion, loadVersions, lockModel, modelRow, versionByAlias, versionRow } from './loaders.js';
import type { RegistryContext } from './registry-context.js';
import { aliasNotFound } from './rows.js';

export interface SearchVersionsInput {
  name?: string;
  runId?: string;
  maxResults?: number;
}

export async function searchVersions(context: RegistryContext, input: SearchVersionsInput = {}): Promise<ModelVersion[]> {
  const conditions: string[] = [];
  const params: unknown[] = [];
  if (input.name !== undefined) {
    params.push(input.name);
    conditions.push(`m.name = $${params.length}`);
  }
  if (input.runId !== undefined) {
    params.push(input.runId);
    conditions.push(`v.run_id = $${params.length}`);
  }
  params.push(input.maxResults ?? 1000);
  return loadVersions(
    context.workspace.db,
    conditions.join(' and ') || 'true',
    params,
    `order by m.name, v.version desc limit $${params.length}`,
  );
}

/** Resolves `models:/name@alias`, `models:/name/3`, `models:/name/latest` (or a parsed reference) to its version. One round trip for aliases. */
export async function resolveVersion(context: RegistryContext, reference: string | ModelReference): Promise<ModelVersion> {
  const ref = typeof reference === 'string' ? parseModelUri(reference) : reference;
  const { db } = context.workspace;
  if ('alias' in ref) {
    const found = await versionByAlias(db, ref.name, ref.alias);
    if (!found) {
      await modelRow(db, ref.name);
      throw aliasNotFound(ref.name, ref.alias);
    }
    return found;
  }
  if ('latest' in ref) {
    const [found] = await loadVersions(db, "m.name = $1 and v.status = 'READY'", [ref.name], 'order by v.version desc limit 1');
    if (!found) {
      await modelRow(db, ref.name);
      throw new MlpError('NOT_FOUND', `Model '${ref.name}' has no READY version yet: register one first.`);
    }
    return found;
  }
  assertVersionNumber(ref.version);
  return loadVersion(db, ref.name, ref.version);
}

export async function updateVersion(
  context: RegistryContext,
  name: string,
  version: number,
  input: { description: string; actor?: string },
): Promise<ModelVersion> {
  const { db } = context.workspace;
  await db.transaction(async (tx) => {
    const modelId = await lockModel(tx, name);
    const now = context.now();
    const result = (await tx.execute(sql`update registry_versions set description = ${input.description}, last_updated_time = ${now}
        where model_id = ${modelId} and version = ${version} returning version`)) as unknown as { rows: unknown[] };
    if (result.rows.length === 0) throw new MlpError('NOT_FOUND', `Model '${name}' has no version ${version}.`);
    await appendAudit(tx, {
      modelName: name,
      version,
      action: 'model_version.updated',
      actor: input.actor ?? context.actor,
      details: { description: input.description },
      time: now,
    });
  });
  return loadVersion(db, name, version);
}

/** Deletes a version and the aliases pointing at it; its bytes are removed from the blob store afterwards. */
export async function deleteVersion(context: RegistryContext, name: string, version: number, actor?: string): Promise<void> {
  const { db, events, blobs } = context.workspace;
  const modelId = await db.transaction(async (tx) => {
    const id = await lockModel(tx, name);
    const removed = (await tx.execute(
      sql`delete from registry_versions where model_id = ${id} and version = ${version} returning version`,
    )) as unknown as { rows: unknown[] };
    if (removed.rows.length === 0) throw new MlpError('NOT_FOUND', `Model '${name}' has no version ${version}.`);
    const aliases = (await tx.execute(
      sql`delete from registry_aliases where model_id = ${id} and version = ${version} returning alias`,
    )) as unknown as { rows: Array<{ alias: string }> };
    await tx.execute(sql`delete from registry_version_tags where model_id = ${id} and version = ${version}`);
    const now = context.now();
    await appendAudit(tx, {
      modelName: name,
      version,
      action: 'model_version.deleted',
      actor: actor ?? context.actor,
      details: { aliases: aliases.rows.map((row) => row.alias) },
      time: now,
    });
    for (const { alias } of aliases.rows) await events.publish('model_version.alias_deleted', { name, version, alias }, { tx });
    await events.publish('model_version.deleted', { name, version }, { tx });
    return id;
  });
  for await (const blob of blobs.list(versionPrefix(modelId, version))) await blobs.delete(blob.key);
}

export async function setVersionTag(context: RegistryContext, name: string, version: number, key: string, value: string): Promise<void> {
  if (typeof key !== 'string' || key === '' || key.length > 250)
    throw new MlpError('INVALID_ARGUMENT', `Invalid tag key ${JSON.stringify(key)}: use 1 to 250 characters.`);
  const { db } = context.workspace;
  await versionRow(db, name, version);
  await db.query(
    `insert into registry_version_tags (model_id, version, key, value) select model_id, $2, $3, $4 from registry_models where name = $1
     on conflict (model_id, version, key) do update set value = excluded.value`,
    [name, version, key, value],
  );
}

export async function deleteVersionTag(context: RegistryContext, name: string, version: number, key: string): Promise<void> {
  const { db } = context.workspace;
  await versionRow(db, name, version);
  await db.query(
    'delete from registry_version_tags t using registry_models m where m.model_id = t.model_id and m.name = $1 and t.version = $2 and t.key = $3',
    [name, version, key],
  );
}

/** Downloads a version's files into `outDir`, verifying every hash; see `downloadVersionFiles`. */
export async function downloadVersion(
  context: RegistryContext,
  reference: string | ModelReference,
  outDir: string,
  onProgress?: (done: number, total: number) => void,
): Promise<{ version: ModelVersion; files: number; bytes: number }> {
  const version = await resolveVersion(context, reference);
  const { db, blobs } = context.workspace;
  const row = await versionRow(db, version.name, version.version);
  if (row.status !== 'READY' || !row.manifest || !row.content_hash) {
    throw new MlpError(
      'FAILED_PRECONDITION',
      `Version ${version.version} of '${version.name}' is ${row.status}: only READY versions can be downloaded.`,
    );
  }
  const result = await downloadVersionFiles({
    blobs,
    prefix: versionPrefix(Number(row.model_id), row.version),
    manifest: row.manifest,
    contentHash: row.content_hash,
    outDir,
    label: `Version ${row.version} of model '${row.name}'`,
    ...(onProgress ? { onProgress } : {}),
  });
  return { version, ...result };
}

/** Where MLflow clients download a version's files through `mlp server`'s artifact proxy. */
export async function downloadUri(context: RegistryContext, name: string, version: number): Promise<string> {
  const row = await versionRow(context.workspace.db, name, version);
  return versionArtifactUri(Number(row.model_id), row.version);
}
