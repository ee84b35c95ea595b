import { bigint, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';

// The online store in the workspace database: the newest values of each entity of each view, and
// where materialisation of each view got to.

export const onlineValues = pgTable(
  'features_online',
  {
    view: text('view').notNull(),
    /** The entity's key (`encodeEntityKey`): one join key's value, or a JSON array of several. */
    entityKey: text('entity_key').notNull(),
    eventTs: bigint('event_ts', { mode: 'number' }).notNull(),
    /** The features by name, so values written under an earlier version of the view still read by name. */
    values: jsonb('values').notNull(),
    writtenAt: bigint('written_at', { mode: 'number' }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.view, table.entityKey] })],
);

export const onlineWatermarks = pgTable('features_online_watermarks', {
  view: text('view').primaryKey(),
  /** Epoch ms: the end (exclusive) of the last materialised range. */
  watermark: bigint('watermark', { mode: 'number' }).notNull(),
  version: bigint('version', { mode: 'number' }).notNull(),
  updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
});
