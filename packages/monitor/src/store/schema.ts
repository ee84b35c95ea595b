import { sql } from 'drizzle-orm';
import { bigint, index, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';

// One row per stored profile: a reference (no window), or a window of a monitored stream
// ([window_start, window_end) in epoch ms), folded into in place as batches arrive.

export const profiles = pgTable(
  'monitor_profiles',
  {
    profileId: text('profile_id').primaryKey(),
    name: text('name').notNull(),
    /** `reference` or `window`. */
    role: text('role').notNull(),
    model: text('model'),
    windowStart: bigint('window_start', { mode: 'number' }),
    windowEnd: bigint('window_end', { mode: 'number' }),
    rows: bigint('rows', { mode: 'number' }).notNull(),
    profile: jsonb('profile').notNull(),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
  },
  (table) => [
    uniqueIndex('monitor_profiles_window_idx').on(table.name, table.windowStart, table.windowEnd).where(sql`role = 'window'`),
    uniqueIndex('monitor_profiles_reference_idx').on(table.name).where(sql`role = 'reference'`),
    index('monitor_profiles_name_idx').on(table.name, table.windowStart),
  ],
);
