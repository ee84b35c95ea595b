import type { Database, DbExecutor } from '@mlp/core';
import { sql } from 'drizzle-orm';
import type { ManifestEntry, ModelVersion, RegisteredModel } from '../model.js';
import { type ModelRow, modelNotFound, toModel, toVersion, type VersionRow, versionColumns, versionNotFound } from './rows.js';

/** Reads the registry tables; every function takes the database (or a transaction's executor via `rawTx`). */

export async function modelRow(db: Database, name: string): Promise<ModelRow> {
  const [row] = await db.query<ModelRow & Record<string, unknown>>('select * from registry_models where name = $1', [name]);
  if (!row) throw modelNotFound(name);
  return row;
}

export async function loadModel(db: Database, row: ModelRow): Promise<RegisteredModel> {
  const [tags, aliases] = await Promise.all([
    db.query<{ key: string; value: string }>('select key, value from registry_model_tags where model_id = $1 order by key', [row.model_id]),
    db.query<{ alias: string; version: number }>('select alias, version from registry_aliases where model_id = $1 order by alias', [
      row.model_id,
    ]),
  ]);
  return toModel(
    row,
    Object.fromEntries(tags.map((tag) => [tag.key, tag.value])),
    Object.fromEntries(aliases.map((alias) => [alias.alias, alias.version])),
  );
}

/** Versions with their tags and aliases; `where` is SQL over `v` and `m` with `$n` parameters. */
export async function loadVersions(db: Database, where: string, params: unknown[], suffix = 'order by v.version'): Promise<ModelVersion[]> {
  const rows = await db.query<VersionRow & Record<string, unknown>>(
    `select ${versionColumns},
       coalesce((select json_object_agg(t.key, t.value) from registry_version_tags t where t.model_id = v.model_id and t.version = v.version), '{}') as tags,
       coalesce((select json_agg(a.alias) from registry_aliases a where a.model_id = v.model_id and a.version = v.version), '[]') as aliases
     from registry_versions v join registry_models m on m.model_id = v.model_id where ${where} ${suffix}`,
    params,
  );
  return rows.map((row) => toVersion(row, row.tags as Record<string, string>, row.aliases as string[]));
}

export async function loadVersion(db: Database, name: string, version: number): Promise<ModelVersion> {
  const [found] = await loadVersions(db, 'm.name = $1 and v.version = $2', [name, version]);
  if (!found) {
    await modelRow(db, name); // NOT_FOUND for the model first, when it is the model that is missing
    throw versionNotFound(name, version);
  }
  return found;
}

/** The raw version row with its manifest (`[{ path, size, sha256 }]`, null until READY), or NOT_FOUND. */
export async function versionRow(db: Database, name: string, version: number): Promise<VersionRow & { manifest: ManifestEntry[] | null }> {
  const [row] = await db.query<VersionRow & { manifest: ManifestEntry[] | null } & Record<string, unknown>>(
    `select ${versionColumns}, v.manifest from registry_versions v join registry_models m on m.model_id = v.model_id where m.name = $1 and v.version = $2`,
    [name, version],
  );
  if (!row) {
    await modelRow(db, name);
    throw versionNotFound(name, version);
  }
  return row;
}

/** The version an alias points at, in one statement (the hot path of every `models:/name@alias` load). */
export async function versionByAlias(db: Database, name: string, alias: string): Promise<ModelVersion | undefined> {
  const rows = await db.query<VersionRow & Record<string, unknown>>(
    `select ${versionColumns},
       coalesce((select json_object_agg(t.key, t.value) from registry_version_tags t where t.model_id = v.model_id and t.version = v.version), '{}') as tags,
       coalesce((select json_agg(o.alias) from registry_aliases o where o.model_id = v.model_id and o.version = v.version), '[]') as aliases
     from registry_models m
     join registry_aliases a on a.model_id = m.model_id and a.alias = $2
     join registry_versions v on v.model_id = m.model_id and v.version = a.version
     where m.name = $1`,
    [name, alias],
  );
  const row = rows[0];
  return row ? toVersion(row, row.tags as Record<string, string>, row.aliases as string[]) : undefined;
}

/** Locks the model row for the rest of the transaction and returns its id, or NOT_FOUND. */
export async function lockModel(tx: DbExecutor, name: string): Promise<number> {
  const result = (await tx.execute(sql`select model_id from registry_models where name = ${name} for update`)) as unknown as {
    rows: Array<{ model_id: string | number }>;
  };
  const row = result.rows[0];
  if (!row) throw modelNotFound(name);
  return Number(row.model_id);
}
