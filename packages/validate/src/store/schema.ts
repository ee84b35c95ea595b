import { bigint, boolean, doublePrecision, index, integer, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';

// One row per validation, and one per expectation result for queries across validations
// ("which expectations failed on flights@3?"). The full result document is kept as JSON.

export const validations = pgTable(
  'validate_validations',
  {
    validationId: text('validation_id').primaryKey(),
    suiteName: text('suite_name').notNull(),
    success: boolean('success').notNull(),
    evaluated: integer('evaluated').notNull(),
    successful: integer('successful').notNull(),
    unsuccessful: integer('unsuccessful').notNull(),
    successPercent: doublePrecision('success_percent'),
    rowCount: bigint('row_count', { mode: 'number' }).notNull(),
    engine: text('engine').notNull(),
    source: text('source').notNull(),
    /** A dataset version reference such as `flights@3`, when given. */
    datasetVersion: text('dataset_version'),
    /** The tracking run the validation belongs to, when given. */
    runId: text('run_id'),
    startedAt: bigint('started_at', { mode: 'number' }).notNull(),
    durationMs: doublePrecision('duration_ms').notNull(),
    result: jsonb('result').notNull(),
  },
  (table) => [
    index('validate_validations_dataset_idx').on(table.datasetVersion, table.startedAt),
    index('validate_validations_run_idx').on(table.runId),
    index('validate_validations_suite_idx').on(table.suiteName, table.startedAt),
  ],
);

export const expectationResults = pgTable(
  'validate_expectation_results',
  {
    validationId: text('validation_id')
      .notNull()
      .references(() => validations.validationId, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    type: text('type').notNull(),
    severity: text('severity').notNull(),
    success: boolean('success').notNull(),
    columnName: text('column_name'),
    unexpectedCount: bigint('unexpected_count', { mode: 'number' }),
    unexpectedPercent: doublePrecision('unexpected_percent'),
    exception: text('exception'),
  },
  (table) => [
    primaryKey({ columns: [table.validationId, table.position] }),
    index('validate_expectation_results_type_idx').on(table.type, table.success),
  ],
);
