import { sql } from 'drizzle-orm';
import { bigint, bigserial, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * The outbox. `txid` is the writing transaction's id: readers only take rows whose transaction is
 * older than every transaction still running, so an event committed late is never skipped.
 */
export const mlpEvents = pgTable(
  'mlp_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    txid: bigint('txid', { mode: 'number' }).notNull().default(sql`(pg_current_xact_id()::text::bigint)`),
    type: text('type').notNull(),
    payload: jsonb('payload').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('mlp_events_position_idx').on(table.txid, table.id)],
);

/** One row per durable consumer: the position of the last event it handled. */
export const mlpEventConsumers = pgTable('mlp_event_consumers', {
  consumer: text('consumer').primaryKey(),
  lastTxid: bigint('last_txid', { mode: 'number' }).notNull(),
  lastId: bigint('last_id', { mode: 'number' }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
