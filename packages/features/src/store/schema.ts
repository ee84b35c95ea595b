import { bigint, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';

// What `apply` records: every version of an entity, a feature view and on-demand features. A version is
// never changed once written; re-applying an identical definition (same fingerprint) writes nothing.

export const entities = pgTable(
  'features_entities',
  {
    name: text('name').notNull(),
    version: bigint('version', { mode: 'number' }).notNull(),
    /** `[{ name, type }]`. */
    joinKeys: jsonb('join_keys').notNull(),
    description: text('description'),
    fingerprint: text('fingerprint').notNull(),
    appliedBy: text('applied_by').notNull(),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.name, table.version] })],
);

export const views = pgTable(
  'features_views',
  {
    name: text('name').notNull(),
    version: bigint('version', { mode: 'number' }).notNull(),
    /** The stored definition: entities, source, timestamp column, ttl, features, description, tags. */
    definition: jsonb('definition').notNull(),
    fingerprint: text('fingerprint').notNull(),
    appliedBy: text('applied_by').notNull(),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.name, table.version] })],
);

export const onDemand = pgTable(
  'features_on_demand',
  {
    name: text('name').notNull(),
    version: bigint('version', { mode: 'number' }).notNull(),
    /** Source view names, request fields and outputs with their types (the function stays in code). */
    definition: jsonb('definition').notNull(),
    fingerprint: text('fingerprint').notNull(),
    appliedBy: text('applied_by').notNull(),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.name, table.version] })],
);

/** The offline store's materialised table of each view version: how many rows, from which source state. */
export const offlineLoads = pgTable(
  'features_offline_loads',
  {
    view: text('view').notNull(),
    version: bigint('version', { mode: 'number' }).notNull(),
    rows: bigint('rows', { mode: 'number' }).notNull(),
    /** The dataset version (`flights@3` and its root hash) or the source's description. */
    sourceState: jsonb('source_state').notNull(),
    loadedAt: bigint('loaded_at', { mode: 'number' }).notNull(),
    /** The point-in-time join's tables built from this load (`{ bucketMs }`), null until a training set needs them. */
    pit: jsonb('pit'),
  },
  (table) => [primaryKey({ columns: [table.view, table.version] })],
);
