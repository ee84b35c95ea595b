import { bigint, jsonb, type PgColumnBuilderBase, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';

// What `apply` records: every version of an entity, a feature view and on-demand features. A version is
// never changed once written; re-applying an identical definition (same fingerprint) writes nothing.

/**
 * A table of immutable versions: `name` and `version` (the key), the kind's own columns, then who applied
 * it, when, and the definition's fingerprint. Column order is the migrations' (0000_features.sql).
 */
function versionedTable<Columns extends Record<string, PgColumnBuilderBase>>(table: string, columns: Columns) {
  return pgTable(
    table,
    {
      name: text('name').notNull(),
      version: bigint('version', { mode: 'number' }).notNull(),
      ...columns,
      fingerprint: text('fingerprint').notNull(),
      appliedBy: text('applied_by').notNull(),
      createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    },
    (t) => [primaryKey({ columns: [t.name, t.version] })],
  );
}

export const entities = versionedTable('features_entities', {
  /** `[{ name, type }]`. */
  joinKeys: jsonb('join_keys').notNull(),
  description: text('description'),
});

/** The stored definition: entities, source, timestamp column, ttl, features, description, tags. */
export const views = versionedTable('features_views', { definition: jsonb('definition').notNull() });

/** Source view names, request fields and outputs with their types (the function stays in code). */
export const onDemand = versionedTable('features_on_demand', { definition: jsonb('definition').notNull() });

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
