import { bigint, bigserial, index, integer, jsonb, pgTable, primaryKey, real, text } from 'drizzle-orm/pg-core';

// Times are epoch milliseconds in bigint columns, as in the other packages.

/** One deployment: the spec it was created with and where its rollout stands. */
export const deployments = pgTable('deploy_deployments', {
  name: text('name').primaryKey(),
  /** The validated `DeploymentSpec` (JSON). */
  spec: jsonb('spec').notNull(),
  /** `models:/NAME@ALIAS` (followed) or `models:/NAME/VERSION`: the model name and alias split out for event matching. */
  modelName: text('model_name').notNull(),
  alias: text('alias'),
  /** healthy | progressing | paused | rolled_back | degraded */
  status: text('status').notNull(),
  /** Where the deployment answers (the local target's router URL), once a controller has started it. */
  endpoint: text('endpoint'),
  /** The secret webhooks about this deployment are signed with (HMAC-SHA256), when a webhook URL is set. */
  webhookSecret: text('webhook_secret'),
  /** Bumped by every change: the controller's optimistic check. */
  generation: integer('generation').notNull().default(1),
  createdTime: bigint('created_time', { mode: 'number' }).notNull(),
  updatedTime: bigint('updated_time', { mode: 'number' }).notNull(),
});

/** One revision: a model version the deployment ran or runs, with its traffic weight. */
export const revisions = pgTable(
  'deploy_revisions',
  {
    deployment: text('deployment')
      .notNull()
      .references(() => deployments.name, { onDelete: 'cascade' }),
    revision: integer('revision').notNull(),
    modelVersion: integer('model_version').notNull(),
    /** Percent of traffic, 0–100. */
    weight: real('weight').notNull(),
    /** progressing | stable | superseded | rolled_back | failed */
    status: text('status').notNull(),
    /** A/B: the alias of the registry's traffic split this revision serves (null outside A/B). */
    variant: text('variant'),
    /** The canary step the revision is at (index into the spec's steps), and when that step began. */
    step: integer('step').notNull().default(0),
    stepStartedTime: bigint('step_started_time', { mode: 'number' }),
    /** Analysis rounds run on this revision (passed and failed), counted in the store. */
    analysisRounds: integer('analysis_rounds').notNull().default(0),
    createdTime: bigint('created_time', { mode: 'number' }).notNull(),
    updatedTime: bigint('updated_time', { mode: 'number' }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.deployment, table.revision] })],
);

/** What happened to a deployment, in order. */
export const history = pgTable(
  'deploy_history',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    deployment: text('deployment')
      .notNull()
      .references(() => deployments.name, { onDelete: 'cascade' }),
    at: bigint('at', { mode: 'number' }).notNull(),
    /** created | rollout_started | step | analysis_failed | rolled_out | rolled_back | paused | resumed | ... */
    action: text('action').notNull(),
    fromVersion: integer('from_version'),
    toVersion: integer('to_version'),
    reason: text('reason'),
    details: jsonb('details'),
  },
  (table) => [index('deploy_history_deployment_idx').on(table.deployment, table.id)],
);
