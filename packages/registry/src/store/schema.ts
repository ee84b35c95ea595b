import { sql } from 'drizzle-orm';
import { bigint, bigserial, check, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';

// Times are epoch milliseconds in bigint columns, as MLflow's API carries them.

export const registeredModels = pgTable('registry_models', {
  modelId: bigserial('model_id', { mode: 'number' }).primaryKey(),
  name: text('name').notNull().unique(),
  description: text('description').notNull().default(''),
  /** The next version number; taken with `update … returning`, so concurrent registrations never share one. */
  nextVersion: integer('next_version').notNull().default(1),
  creationTime: bigint('creation_time', { mode: 'number' }).notNull(),
  lastUpdatedTime: bigint('last_updated_time', { mode: 'number' }).notNull(),
});

const modelReference = () =>
  bigint('model_id', { mode: 'number' })
    .notNull()
    .references(() => registeredModels.modelId, { onDelete: 'cascade' });

export const modelTags = pgTable(
  'registry_model_tags',
  { modelId: modelReference(), key: text('key').notNull(), value: text('value').notNull() },
  (table) => [primaryKey({ columns: [table.modelId, table.key] })],
);

export const modelVersions = pgTable(
  'registry_versions',
  {
    modelId: modelReference(),
    version: integer('version').notNull(),
    /** Where the bytes came from: `runs:/<run id>/<path>` or a local folder. */
    source: text('source').notNull(),
    runId: text('run_id'),
    /** The model's input/output signature as JSON, when known. */
    signature: text('signature'),
    status: text('status').notNull(),
    statusMessage: text('status_message'),
    description: text('description').notNull().default(''),
    userId: text('user_id').notNull().default(''),
    /** sha256 over the sorted manifest of the version's files; set when READY. */
    contentHash: text('content_hash'),
    /** `[{ path, size, sha256 }]` sorted by path; set when READY. */
    manifest: jsonb('manifest'),
    /** MLflow's stage (`None`, `Staging`, `Production`, `Archived`), set by transitions only: aliases never move it. */
    currentStage: text('current_stage').notNull().default('None'),
    creationTime: bigint('creation_time', { mode: 'number' }).notNull(),
    lastUpdatedTime: bigint('last_updated_time', { mode: 'number' }).notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.modelId, table.version] }),
    index('registry_versions_run_idx').on(table.runId),
    index('registry_versions_stage_idx').on(table.modelId, table.currentStage, table.version),
    check('registry_versions_stage_check', sql`${table.currentStage} in ('None', 'Staging', 'Production', 'Archived')`),
  ],
);

export const versionTags = pgTable(
  'registry_version_tags',
  {
    modelId: modelReference(),
    version: integer('version').notNull(),
    key: text('key').notNull(),
    value: text('value').notNull(),
  },
  (table) => [primaryKey({ columns: [table.modelId, table.version, table.key] })],
);

/** An alias points at one version of its model; `revision` counts its moves, for compare-and-set promotions. */
export const aliases = pgTable(
  'registry_aliases',
  {
    modelId: modelReference(),
    alias: text('alias').notNull(),
    version: integer('version').notNull(),
    revision: integer('revision').notNull().default(1),
    updatedTime: bigint('updated_time', { mode: 'number' }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.modelId, table.alias] })],
);

/** Weighted alias sets for A/B serving (`champion` 90, `challenger` 10), read by deployments. */
export const trafficSplits = pgTable(
  'registry_traffic_splits',
  {
    modelId: modelReference(),
    name: text('name').notNull(),
    /** `[{ alias, weight }]`. */
    weights: jsonb('weights').notNull(),
    updatedTime: bigint('updated_time', { mode: 'number' }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.modelId, table.name] })],
);

/** The promotion gates declared for a model, as JSON gate specs. */
export const gates = pgTable('registry_gates', {
  modelId: modelReference().primaryKey(),
  gates: jsonb('gates').notNull(),
  updatedTime: bigint('updated_time', { mode: 'number' }).notNull(),
});

/** Append-only (a trigger refuses updates and deletes): who did what, when and why. Keeps the model name, not a foreign key, so it outlives deletions. */
export const auditLog = pgTable(
  'registry_audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    modelName: text('model_name').notNull(),
    version: integer('version'),
    action: text('action').notNull(),
    actor: text('actor').notNull(),
    reason: text('reason'),
    details: jsonb('details').notNull(),
    time: bigint('time', { mode: 'number' }).notNull(),
  },
  (table) => [index('registry_audit_log_model_idx').on(table.modelName, table.id)],
);

export const webhooks = pgTable('registry_webhooks', {
  webhookId: bigserial('webhook_id', { mode: 'number' }).primaryKey(),
  url: text('url').notNull(),
  secret: text('secret').notNull(),
  /** Only events of this model, or every model when null. */
  modelName: text('model_name'),
  /** Event types to send; empty means all registry events. */
  events: jsonb('events').notNull(),
  active: integer('active').notNull().default(1),
  creationTime: bigint('creation_time', { mode: 'number' }).notNull(),
});

/** One row per (webhook, event): the delivery log and the retry queue in one. */
export const webhookDeliveries = pgTable(
  'registry_webhook_deliveries',
  {
    deliveryId: bigserial('delivery_id', { mode: 'number' }).primaryKey(),
    webhookId: bigint('webhook_id', { mode: 'number' })
      .notNull()
      .references(() => webhooks.webhookId, { onDelete: 'cascade' }),
    eventId: text('event_id').notNull(),
    eventType: text('event_type').notNull(),
    body: text('body').notNull(),
    /** `pending`, `delivered`, or `failed` (attempts exhausted). */
    status: text('status').notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptTime: bigint('next_attempt_time', { mode: 'number' }).notNull(),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    creationTime: bigint('creation_time', { mode: 'number' }).notNull(),
    deliveredTime: bigint('delivered_time', { mode: 'number' }),
  },
  (table) => [
    uniqueIndex('registry_webhook_deliveries_event_idx').on(table.webhookId, table.eventId),
    index('registry_webhook_deliveries_due_idx').on(table.status, table.nextAttemptTime),
  ],
);
