import { type DbExecutor, MlpError } from '@mlp/core';
import { type SQL, sql } from 'drizzle-orm';
import type { DatasetSource, DatasetVersion, TabularFormat, TabularSchema } from './catalog-model.js';
import { type DatasetRef, formatSelector } from './dataset-ref.js';

/** One version with its dataset's name and its tags; `where` filters `v` (data_versions) and `d` (data_datasets). */
export function selectVersions(where: SQL, orderAndLimit: SQL = sql``): SQL {
  return sql`select v.*, d.name as dataset,
      coalesce((select array_agg(t.name order by t.name) from data_tags t where t.version_id = v.id), '{}') as tags
    from data_versions v join data_datasets d on d.id = v.dataset_id
    where ${where} ${orderAndLimit}`;
}

/** A timestamptz as drizzle's raw `execute` returns it (a string such as `2026-11-30 21:13:00.63+00`) or as pg does (a Date). */
export function toDate(value: unknown): Date {
  if (value instanceof Date) return value;
  const text = String(value)
    .replace(' ', 'T')
    .replace(/([+-]\d\d)$/, '$1:00');
  return new Date(text);
}

export function toDatasetVersion(row: Record<string, unknown>): DatasetVersion {
  const dataset = String(row.dataset);
  const version = Number(row.version);
  return {
    dataset,
    version,
    ref: `${dataset}@${version}`,
    rootHash: String(row.root_hash),
    size: Number(row.size),
    nfiles: Number(row.nfiles),
    path: String(row.path),
    format: (row.format as TabularFormat | null) ?? null,
    schema: (row.schema as TabularSchema | null) ?? null,
    source: (row.source as DatasetSource | null) ?? null,
    message: String(row.message ?? ''),
    tags: (row.tags as string[] | null) ?? [],
    createdBy: String(row.created_by ?? ''),
    createdAt: toDate(row.created_at),
  };
}

/** The internal id and public shape of the version `ref` names; NOT_FOUND names what is missing and what exists. */
export async function findVersion(db: DbExecutor, ref: DatasetRef): Promise<{ id: number; version: DatasetVersion }> {
  const { dataset, selector } = ref;
  const condition =
    selector.kind === 'number'
      ? sql`d.name = ${dataset} and v.version = ${selector.version}`
      : selector.kind === 'tag'
        ? sql`d.name = ${dataset} and v.id = (select t.version_id from data_tags t where t.dataset_id = d.id and t.name = ${selector.tag})`
        : sql`d.name = ${dataset}`;
  const result = await db.execute(selectVersions(condition, sql`order by v.version desc limit 1`));
  const row = result.rows[0];
  if (row) return { id: Number(row.id), version: toDatasetVersion(row) };

  const known = await db.execute(
    sql`select (select max(version) from data_versions where dataset_id = d.id) as latest from data_datasets d where d.name = ${dataset}`,
  );
  const wanted = `${dataset}@${formatSelector(selector)}`;
  if (known.rows.length === 0) {
    throw new MlpError('NOT_FOUND', `Unknown dataset ${JSON.stringify(dataset)}. List datasets with \`mlp data ls\`.`, {
      details: { ref: wanted },
    });
  }
  const latest = known.rows[0]?.latest;
  if (latest === null || latest === undefined) {
    throw new MlpError('NOT_FOUND', `Dataset ${dataset} has no versions yet: register one (ingest or registerVersion) first.`, {
      details: { ref: wanted },
    });
  }
  const what = selector.kind === 'tag' ? `no tag ${JSON.stringify(selector.tag)}` : `no version ${formatSelector(selector)}`;
  throw new MlpError('NOT_FOUND', `Dataset ${dataset} has ${what} (latest is ${dataset}@${latest}). See \`mlp data log ${dataset}\`.`, {
    details: { ref: wanted },
  });
}
