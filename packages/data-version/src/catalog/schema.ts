import { bigint, bigserial, index, integer, jsonb, pgTable, primaryKey, text, timestamp, unique } from 'drizzle-orm/pg-core';
import type { DatasetSource, TabularSchema } from './catalog-model.js';

/** Named datasets; a name is the stable handle (`flights`) users and pipelines refer to. */
export const datasets = pgTable('data_datasets', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  name: text('name').notNull().unique(),
  description: text('description').notNull().default(''),
  createdBy: text('created_by').notNull().default(''),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Immutable versions, numbered 1, 2, … per dataset. One row per content: the same root hash
 * registered again is the same version, which is what makes registration idempotent.
 */
export const datasetVersions = pgTable(
  'data_versions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    datasetId: bigint('dataset_id', { mode: 'number' })
      .notNull()
      .references(() => datasets.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    /** DVC's md5 of the file, or `<md5>.dir` of a folder's manifest. */
    rootHash: text('root_hash').notNull(),
    size: bigint('size', { mode: 'number' }).notNull(),
    nfiles: integer('nfiles').notNull(),
    /** Where the data lives, relative to the data repository's root (forward slashes). */
    path: text('path').notNull(),
    /** `csv`, `parquet`, `jsonl` or `json` for a tabular file; null for anything else. */
    format: text('format'),
    schema: jsonb('schema').$type<TabularSchema>(),
    source: jsonb('source').$type<DatasetSource>(),
    message: text('message').notNull().default(''),
    createdBy: text('created_by').notNull().default(''),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    unique('data_versions_dataset_version_unique').on(table.datasetId, table.version),
    unique('data_versions_dataset_hash_unique').on(table.datasetId, table.rootHash),
  ],
);

/** Movable names for versions (`train-2026-11`), unique per dataset, like git tags that can be re-pointed. */
export const datasetTags = pgTable(
  'data_tags',
  {
    datasetId: bigint('dataset_id', { mode: 'number' })
      .notNull()
      .references(() => datasets.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    versionId: bigint('version_id', { mode: 'number' })
      .notNull()
      .references(() => datasetVersions.id, { onDelete: 'cascade' }),
    updatedBy: text('updated_by').notNull().default(''),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.datasetId, table.name] }), index('data_tags_version_idx').on(table.versionId)],
);

/**
 * Which run consumed or produced which version. `run_id` is opaque text (a tracking run id): this
 * package does not import tracking, so there is no foreign key to its runs.
 */
export const datasetLineage = pgTable(
  'data_lineage',
  {
    runId: text('run_id').notNull(),
    versionId: bigint('version_id', { mode: 'number' })
      .notNull()
      .references(() => datasetVersions.id, { onDelete: 'cascade' }),
    role: text('role').notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.runId, table.versionId, table.role] }), index('data_lineage_version_idx').on(table.versionId)],
);
