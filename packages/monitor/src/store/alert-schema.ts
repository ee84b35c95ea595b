import { sql } from 'drizzle-orm';
import { bigint, doublePrecision, index, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';

// One row per alert of a monitor: pending or firing while `resolved_at` is null, kept after it resolves
// (the alert history). At most one open row per monitor and key, so an active alert is never duplicated.

export const alerts = pgTable(
  'monitor_alerts',
  {
    alertId: text('alert_id').primaryKey(),
    monitor: text('monitor').notNull(),
    rule: text('rule').notNull(),
    /** The rule's name, plus `:column` for a per-column rule. */
    key: text('key').notNull(),
    column: text('column'),
    severity: text('severity').notNull(),
    /** `pending`, `firing` or `resolved`. */
    state: text('state').notNull(),
    value: doublePrecision('value'),
    activeSince: bigint('active_since', { mode: 'number' }).notNull(),
    firedAt: bigint('fired_at', { mode: 'number' }),
    resolvedAt: bigint('resolved_at', { mode: 'number' }),
    updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
  },
  (table) => [
    uniqueIndex('monitor_alerts_open_idx').on(table.monitor, table.key).where(sql`resolved_at is null`),
    index('monitor_alerts_monitor_idx').on(table.monitor, table.activeSince),
  ],
);
