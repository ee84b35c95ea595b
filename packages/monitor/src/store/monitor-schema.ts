import { bigint, boolean, doublePrecision, index, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';

// Monitors (a source, a reference, tests, a schedule, alert rules), the result of each window a monitor
// computed (one row per monitor and window: a rerun replaces it), and the schedule ticks claimed, one
// row per monitor and tick, so one process only runs a tick however many schedulers watch it.

export const monitors = pgTable('monitor_monitors', {
  name: text('name').primaryKey(),
  /** The monitor's spec (`monitorSpecSchema`), as JSON. */
  spec: jsonb('spec').notNull(),
  /** Alert webhooks are signed with it (HMAC-SHA256); never shown after `create`. */
  webhookSecret: text('webhook_secret'),
  createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
});

export const monitorResults = pgTable(
  'monitor_results',
  {
    monitor: text('monitor').notNull(),
    windowStart: bigint('window_start', { mode: 'number' }).notNull(),
    windowEnd: bigint('window_end', { mode: 'number' }).notNull(),
    rows: bigint('rows', { mode: 'number' }).notNull(),
    datasetDrift: boolean('dataset_drift').notNull(),
    driftShare: doublePrecision('drift_share').notNull(),
    /** The window's result (`MonitorWindowResult`) as JSON: the drift table, latency, the reference used. */
    result: jsonb('result').notNull(),
    computedAt: bigint('computed_at', { mode: 'number' }).notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.monitor, table.windowStart, table.windowEnd] }),
    index('monitor_results_end_idx').on(table.monitor, table.windowEnd),
  ],
);

export const monitorTicks = pgTable(
  'monitor_ticks',
  {
    monitor: text('monitor').notNull(),
    /** The scheduled time, epoch ms: the end of the window the tick computes. */
    tick: bigint('tick', { mode: 'number' }).notNull(),
    claimedAt: bigint('claimed_at', { mode: 'number' }).notNull(),
    /** Who claimed it (`host:pid`), for `show`. */
    claimedBy: text('claimed_by').notNull(),
  },
  (table) => [primaryKey({ columns: [table.monitor, table.tick] })],
);
