import { MlpError } from '@mlp/core';
import { sql } from 'drizzle-orm';
import { assertModelName } from '../alias-name.js';
import { copyVersionFiles, versionPrefix } from '../content/version-blobs.js';
import type { ResolvedSource } from '../content/version-source.js';
import type { ModelVersion } from '../model.js';
import { appendAudit } from '../store/audit.js';
import { loadVersion } from '../store/loaders.js';
import { type RegistryContext, txRows } from '../store/registry-context.js';
import { resolveSource } from './resolve-source.js';

export interface RegisterModelVersionInput {
  /** The registered model; created when missing unless `createModel` is false. */
  name: string;
  /**
   * `runs:/<run id>/<path>`, a run id (its `model` artifact), a run's `mlflow-artifacts:` location,
   * `models:/<name>/<version>` (a copy), or a local model package folder (a path or `file://` URL).
   */
  source: string;
  /** The run the source belongs to, when the source is the run's `mlflow-artifacts:` location (as MLflow clients send it). */
  runId?: string;
  /** The model's signature as JSON text or an object; read from `signature.json` in the files when absent. */
  signature?: string | Record<string, unknown>;
  description?: string;
  tags?: Record<string, string>;
  createModel?: boolean;
  actor?: string;
  /**
   * The request came over the network (the REST routes set it): a local folder is then refused unless
   * it lies inside one of the registry's `sourceFolders`, so a caller cannot copy the server's files.
   */
  remote?: boolean;
  onProgress?: (done: number, total: number) => void;
}

async function readSignature(source: ResolvedSource): Promise<string | null> {
  const file = source.files.find((entry) => entry.path === 'signature.json');
  if (!file) return null;
  const chunks: Buffer[] = [];
  for await (const chunk of await file.open()) chunks.push(Buffer.from(chunk as Uint8Array));
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    JSON.parse(text);
    return text;
  } catch {
    return null;
  }
}

/**
 * Registers a new version: takes the next number (race-free: an `update … returning` on the model
 * row), records it PENDING_REGISTRATION, copies the bytes under the version in the blob store while
 * hashing them, then marks it READY with its manifest and content hash, an audit entry and a
 * `model_version.created` event in one transaction. A copy that fails leaves FAILED_REGISTRATION.
 */
export async function registerVersion(context: RegistryContext, input: RegisterModelVersionInput): Promise<ModelVersion> {
  assertModelName(input.name);
  const { db, events, blobs } = context.workspace;
  const actor = input.actor ?? context.actor;
  const source = await resolveSource(context, { source: input.source, runId: input.runId, remote: input.remote === true });
  const signature =
    input.signature === undefined
      ? await readSignature(source)
      : typeof input.signature === 'string'
        ? input.signature
        : JSON.stringify(input.signature);
  const now = context.now();

  const { modelId, version } = await db.transaction(async (tx) => {
    if (input.createModel !== false) {
      const created = await txRows<{ model_id: string }>(
        tx,
        sql`insert into registry_models (name, creation_time, last_updated_time) values (${input.name}, ${now}, ${now})
            on conflict (name) do nothing returning model_id`,
      );
      if (created[0]) {
        await appendAudit(tx, { modelName: input.name, action: 'registered_model.created', actor, time: now });
        await events.publish('registered_model.created', { name: input.name }, { tx });
      }
    }
    const [taken] = await txRows<{ model_id: string; version: number }>(
      tx,
      sql`update registry_models set next_version = next_version + 1, last_updated_time = ${now}
          where name = ${input.name} returning model_id, next_version - 1 as version`,
    );
    if (!taken) {
      throw new MlpError(
        'NOT_FOUND',
        `Registered model '${input.name}' not found: create it first with \`mlp models create ${input.name}\`.`,
      );
    }
    await tx.execute(sql`insert into registry_versions
        (model_id, version, source, run_id, signature, status, description, user_id, creation_time, last_updated_time)
        values (${taken.model_id}, ${taken.version}, ${source.source}, ${source.runId}, ${signature}, 'PENDING_REGISTRATION',
                ${input.description ?? ''}, ${actor}, ${now}, ${now})`);
    for (const [key, value] of Object.entries(input.tags ?? {})) {
      await tx.execute(
        sql`insert into registry_version_tags (model_id, version, key, value) values (${taken.model_id}, ${taken.version}, ${key}, ${value})`,
      );
    }
    return { modelId: Number(taken.model_id), version: taken.version };
  });

  const prefix = versionPrefix(modelId, version);
  let copied: Awaited<ReturnType<typeof copyVersionFiles>>;
  try {
    copied = await copyVersionFiles(blobs, prefix, source.files, input.onProgress);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // The files copied so far belong to no usable version.
    for await (const blob of blobs.list(prefix)) await blobs.delete(blob.key).catch(() => {});
    await db.transaction(async (tx) => {
      const at = context.now();
      await tx.execute(sql`update registry_versions set status = 'FAILED_REGISTRATION', status_message = ${message}, last_updated_time = ${at}
          where model_id = ${modelId} and version = ${version}`);
      await appendAudit(tx, {
        modelName: input.name,
        version,
        action: 'model_version.registration_failed',
        actor,
        details: { source: source.source, error: message },
        time: at,
      });
      await events.publish(
        'model_version.registration_failed',
        { name: input.name, version, source: source.source, error: message },
        { tx },
      );
    });
    throw error;
  }

  await db.transaction(async (tx) => {
    const at = context.now();
    await tx.execute(sql`update registry_versions set status = 'READY', content_hash = ${copied.contentHash},
        manifest = ${JSON.stringify(copied.manifest)}::jsonb, last_updated_time = ${at}
        where model_id = ${modelId} and version = ${version}`);
    const details = { source: source.source, runId: source.runId, contentHash: copied.contentHash, files: copied.manifest.length };
    await appendAudit(tx, { modelName: input.name, version, action: 'model_version.created', actor, details, time: at });
    await events.publish('model_version.created', { name: input.name, version, ...details }, { tx });
  });
  return loadVersion(db, input.name, version);
}
