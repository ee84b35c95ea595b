import { type Database, type EventBus, MlpError } from '@mlp/core';
import { sql } from 'drizzle-orm';
import {
  type Dataset,
  type DatasetSource,
  type DatasetSummary,
  type DatasetVersion,
  type DatasetVersionCreatedEvent,
  datasetEvents,
  type TabularFormat,
  type TabularSchema,
} from './catalog-model.js';
import { assertDatasetName, assertTagName, parseDatasetRef } from './dataset-ref.js';
import { findVersion, selectVersions, toDatasetVersion, toDate } from './version-rows.js';

const ROOT_HASH = /^[0-9a-f]{32}(\.dir)?$/;

export interface RegisterDatasetVersionInput {
  dataset: string;
  /** DVC's md5 of the file or `<md5>.dir` of the folder, as `DataRepo.add` returns it. */
  rootHash: string;
  size: number;
  nfiles?: number;
  /** Relative to the data repository's root. */
  path: string;
  format?: TabularFormat | null;
  schema?: TabularSchema | null;
  source?: DatasetSource | null;
  message?: string;
  /** Description for a dataset created by this registration (an existing one keeps its own). */
  description?: string;
  /** Tags to point at the version (moved there when they point elsewhere). */
  tags?: readonly string[];
  createdBy: string;
}

export interface RegisteredVersion {
  version: DatasetVersion;
  /** False when this root hash was already a version of the dataset: registering is idempotent. */
  created: boolean;
}

/** The catalog's tables: datasets, versions, tags. */
export interface CatalogStore {
  registerVersion(input: RegisterDatasetVersionInput): Promise<RegisteredVersion>;
  getDataset(name: string): Promise<Dataset>;
  listDatasets(): Promise<DatasetSummary[]>;
  /** Newest first. */
  listVersions(dataset: string, options?: { limit?: number }): Promise<DatasetVersion[]>;
  getVersion(ref: string): Promise<DatasetVersion>;
  /** Points `tag` at the version `ref` names, moving it if it pointed elsewhere. */
  tag(ref: string, tag: string, user: string): Promise<DatasetVersion>;
  /** Removes a tag; NOT_FOUND when the dataset has no such tag. */
  untag(dataset: string, tag: string): Promise<void>;
  setDescription(dataset: string, description: string): Promise<Dataset>;
  /** The root hash of every version of every dataset: what gc must keep. */
  rootHashes(): Promise<string[]>;
}

function assertRegistration(input: RegisterDatasetVersionInput): void {
  assertDatasetName(input.dataset);
  if (!ROOT_HASH.test(input.rootHash)) {
    throw new MlpError(
      'INVALID_ARGUMENT',
      `Invalid root hash ${JSON.stringify(input.rootHash)}: expected DVC's md5 (32 hex digits), with .dir for a folder.`,
    );
  }
  if (!Number.isSafeInteger(input.size) || input.size < 0)
    throw new MlpError('INVALID_ARGUMENT', `Invalid size ${input.size}: expected bytes ≥ 0.`);
  const nfiles = input.nfiles ?? 1;
  if (!Number.isSafeInteger(nfiles) || nfiles < 0) throw new MlpError('INVALID_ARGUMENT', `Invalid file count ${nfiles}: expected ≥ 0.`);
  if (input.path === '' || input.path.startsWith('/') || input.path.split('/').includes('..')) {
    throw new MlpError(
      'INVALID_ARGUMENT',
      `Invalid version path ${JSON.stringify(input.path)}: give it relative to the data repository's root.`,
    );
  }
  for (const tag of input.tags ?? []) assertTagName(tag);
}

function toDataset(row: Record<string, unknown>): Dataset {
  return {
    name: String(row.name),
    description: String(row.description ?? ''),
    createdBy: String(row.created_by ?? ''),
    createdAt: toDate(row.created_at),
  };
}

const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));

export function createCatalogStore(db: Database, events: EventBus): CatalogStore {
  const unknownDataset = (name: string) =>
    new MlpError('NOT_FOUND', `Unknown dataset ${JSON.stringify(name)}. List datasets with \`mlp data ls\`.`, {
      details: { dataset: name },
    });

  return {
    async registerVersion(input) {
      assertRegistration(input);
      return db.transaction(async (tx) => {
        await tx.execute(sql`insert into data_datasets (name, description, created_by)
          values (${input.dataset}, ${input.description ?? ''}, ${input.createdBy}) on conflict (name) do nothing`);
        // The row lock serialises registrations of one dataset, so version numbers never collide.
        const locked = await tx.execute(sql`select id from data_datasets where name = ${input.dataset} for update`);
        const datasetId = Number(locked.rows[0]?.id);

        const existing = await tx.execute(selectVersions(sql`v.dataset_id = ${datasetId} and v.root_hash = ${input.rootHash}`));
        let versionId: number;
        let created: boolean;
        if (existing.rows[0]) {
          versionId = Number(existing.rows[0].id);
          created = false;
        } else {
          const inserted = await tx.execute(sql`insert into data_versions
              (dataset_id, version, root_hash, size, nfiles, path, format, schema, source, message, created_by)
            values (${datasetId},
              (select coalesce(max(version), 0) + 1 from data_versions where dataset_id = ${datasetId}),
              ${input.rootHash}, ${input.size}, ${input.nfiles ?? 1}, ${input.path}, ${input.format ?? null},
              ${json(input.schema)}::jsonb, ${json(input.source)}::jsonb, ${input.message ?? ''}, ${input.createdBy})
            returning id`);
          versionId = Number(inserted.rows[0]?.id);
          created = true;
        }
        for (const tag of input.tags ?? []) {
          await tx.execute(sql`insert into data_tags (dataset_id, name, version_id, updated_by)
            values (${datasetId}, ${tag}, ${versionId}, ${input.createdBy})
            on conflict (dataset_id, name) do update set version_id = excluded.version_id, updated_by = excluded.updated_by, updated_at = now()`);
        }
        const row = (await tx.execute(selectVersions(sql`v.id = ${versionId}`))).rows[0];
        if (!row) throw new MlpError('INTERNAL', `Version ${versionId} vanished inside its own transaction.`);
        const version = toDatasetVersion(row);
        if (created) {
          const payload: DatasetVersionCreatedEvent = {
            dataset: version.dataset,
            version: version.version,
            ref: version.ref,
            rootHash: version.rootHash,
            size: version.size,
            nfiles: version.nfiles,
            path: version.path,
            format: version.format,
            source: version.source,
            createdBy: version.createdBy,
          };
          await events.publish(datasetEvents.versionCreated, payload, { tx });
        }
        return { version, created };
      });
    },

    async getDataset(name) {
      assertDatasetName(name);
      const [row] = await db.query('select * from data_datasets where name = $1', [name]);
      if (!row) throw unknownDataset(name);
      return toDataset(row);
    },

    async listDatasets() {
      const rows = await db.query(`select d.*, (select count(*) from data_versions v where v.dataset_id = d.id)::int as version_count,
          (select max(version) from data_versions v where v.dataset_id = d.id) as latest
        from data_datasets d order by d.name`);
      const latest = await db.drizzle.execute(
        selectVersions(sql`v.version = (select max(version) from data_versions w where w.dataset_id = v.dataset_id)`),
      );
      const byName = new Map(latest.rows.map((row) => [String(row.dataset), toDatasetVersion(row)]));
      return rows.map((row) => ({
        ...toDataset(row),
        versionCount: Number(row.version_count),
        latest: byName.get(String(row.name)) ?? null,
      }));
    },

    async listVersions(dataset, options = {}) {
      await this.getDataset(dataset);
      const limit = options.limit ?? null;
      const result = await db.drizzle.execute(selectVersions(sql`d.name = ${dataset}`, sql`order by v.version desc limit ${limit}`));
      return result.rows.map(toDatasetVersion);
    },

    async getVersion(ref) {
      return (await findVersion(db.drizzle, parseDatasetRef(ref))).version;
    },

    async rootHashes() {
      const rows = await db.query<{ root_hash: string }>('select distinct root_hash from data_versions');
      return rows.map((row) => row.root_hash);
    },

    async tag(ref, tag, user) {
      assertTagName(tag);
      return db.transaction(async (tx) => {
        const parsed = parseDatasetRef(ref);
        const { id } = await findVersion(tx, parsed);
        const moved = await tx.execute(sql`insert into data_tags (dataset_id, name, version_id, updated_by)
            select dataset_id, ${tag}, id, ${user} from data_versions where id = ${id}
          on conflict (dataset_id, name) do update set version_id = excluded.version_id, updated_by = excluded.updated_by, updated_at = now()
          returning version_id`);
        if (moved.rows.length !== 1) throw new MlpError('INTERNAL', `Tagging ${ref} as ${tag} wrote no row.`);
        const row = (await tx.execute(selectVersions(sql`v.id = ${id}`))).rows[0];
        if (!row) throw new MlpError('INTERNAL', `Version ${ref} vanished inside its own transaction.`);
        const version = toDatasetVersion(row);
        await events.publish(datasetEvents.tagMoved, { dataset: version.dataset, tag, version: version.version, ref: version.ref }, { tx });
        return version;
      });
    },

    async untag(dataset, tag) {
      await this.getDataset(dataset);
      const deleted = await db.query(
        'delete from data_tags t using data_datasets d where d.id = t.dataset_id and d.name = $1 and t.name = $2 returning t.name',
        [dataset, tag],
      );
      if (deleted.length === 0) throw new MlpError('NOT_FOUND', `Dataset ${dataset} has no tag ${JSON.stringify(tag)}.`);
    },

    async setDescription(dataset, description) {
      assertDatasetName(dataset);
      const [row] = await db.query('update data_datasets set description = $2 where name = $1 returning *', [dataset, description]);
      if (!row) throw unknownDataset(dataset);
      return toDataset(row);
    },
  };
}
