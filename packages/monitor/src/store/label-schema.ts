import { bigint, index, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';

// Ground-truth labels that arrive after the predictions, one row per deployment and request id (a later
// label for the same request replaces the earlier one), joined to the prediction log by request id.

export const labels = pgTable(
  'monitor_labels',
  {
    deployment: text('deployment').notNull(),
    requestId: text('request_id').notNull(),
    /** The true value: a number (regression, or a class given as a number), a string or a boolean. */
    label: jsonb('label').notNull(),
    /** When the labelled event happened, epoch ms, when the labels file says. */
    at: bigint('at', { mode: 'number' }),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.deployment, table.requestId] }),
    index('monitor_labels_created_idx').on(table.deployment, table.createdAt),
  ],
);
