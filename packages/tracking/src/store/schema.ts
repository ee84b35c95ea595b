import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, doublePrecision, index, integer, pgTable, primaryKey, smallint, text } from 'drizzle-orm/pg-core';

// Times are epoch milliseconds in bigint columns, as MLflow's API carries them.

export const experiments = pgTable('tracking_experiments', {
  experimentId: bigserial('experiment_id', { mode: 'number' }).primaryKey(),
  name: text('name').notNull().unique(),
  artifactLocation: text('artifact_location').notNull(),
  lifecycleStage: text('lifecycle_stage').notNull().default('active'),
  creationTime: bigint('creation_time', { mode: 'number' }).notNull(),
  lastUpdateTime: bigint('last_update_time', { mode: 'number' }).notNull(),
});

export const experimentTags = pgTable(
  'tracking_experiment_tags',
  {
    experimentId: bigint('experiment_id', { mode: 'number' })
      .notNull()
      .references(() => experiments.experimentId, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    value: text('value').notNull(),
  },
  (table) => [primaryKey({ columns: [table.experimentId, table.key] })],
);

export const runs = pgTable(
  'tracking_runs',
  {
    runId: text('run_id').primaryKey(),
    experimentId: bigint('experiment_id', { mode: 'number' })
      .notNull()
      .references(() => experiments.experimentId),
    name: text('name').notNull(),
    status: text('status').notNull(),
    startTime: bigint('start_time', { mode: 'number' }).notNull(),
    endTime: bigint('end_time', { mode: 'number' }),
    lifecycleStage: text('lifecycle_stage').notNull().default('active'),
    userId: text('user_id').notNull().default(''),
    artifactUri: text('artifact_uri').notNull(),
    parentRunId: text('parent_run_id'),
    /** Last sign of life of the process logging to a RUNNING run; stale runs are failed by the next reader. */
    heartbeatTime: bigint('heartbeat_time', { mode: 'number' }),
    /** Set by the logging process: how long without a heartbeat before readers mark the run FAILED. */
    heartbeatTimeoutMs: bigint('heartbeat_timeout_ms', { mode: 'number' }),
    deletedTime: bigint('deleted_time', { mode: 'number' }),
  },
  (table) => [
    index('tracking_runs_experiment_start_idx').on(table.experimentId, table.startTime.desc(), table.runId),
    index('tracking_runs_running_idx').on(table.heartbeatTime).where(sql`status = 'RUNNING' and heartbeat_time is not null`),
    index('tracking_runs_parent_idx').on(table.parentRunId),
  ],
);

const runReference = () =>
  text('run_id')
    .notNull()
    .references(() => runs.runId, { onDelete: 'cascade' });

export const params = pgTable(
  'tracking_params',
  { runId: runReference(), key: text('key').notNull(), value: text('value').notNull() },
  (table) => [primaryKey({ columns: [table.runId, table.key] })],
);

export const tags = pgTable(
  'tracking_tags',
  { runId: runReference(), key: text('key').notNull(), value: text('value').notNull() },
  (table) => [primaryKey({ columns: [table.runId, table.key] })],
);

/**
 * One row per (run, metric key): the latest point, kept apart so long histories never slow run
 * listing or search, and the integer id of the key's series, which its history points carry.
 */
export const latestMetrics = pgTable(
  'tracking_latest_metrics',
  {
    runId: runReference(),
    key: text('key').notNull(),
    seriesId: integer('series_id').notNull().generatedAlwaysAsIdentity().unique(),
    value: doublePrecision('value'),
    isNan: boolean('is_nan').notNull(),
    timestamp: bigint('timestamp', { mode: 'number' }).notNull(),
    step: bigint('step', { mode: 'number' }).notNull(),
    /**
     * The finest level of the series' rollup (tracking_metric_blocks), fixed by its first batch; null for
     * a series logged before the rollup existed, which is then summarised from its points.
     */
    rollupLevel: smallint('rollup_level'),
  },
  (table) => [primaryKey({ columns: [table.runId, table.key] })],
);

/**
 * Every metric point, append only, written with binary COPY. Narrow on purpose (an integer series
 * id instead of run id and key): the row and its index entry are what bulk logging and history
 * reads pay for per point. No foreign key: per-row checks would halve logging, and runs are only
 * soft-deleted. NaN is stored as value NULL with is_nan, as filters expect.
 */
export const metricPoints = pgTable(
  'tracking_metric_points',
  {
    seriesId: integer('series_id').notNull(),
    step: bigint('step', { mode: 'number' }).notNull(),
    timestamp: bigint('timestamp', { mode: 'number' }).notNull(),
    value: doublePrecision('value'),
    isNan: boolean('is_nan').notNull(),
  },
  (table) => [index('tracking_metric_points_history_idx').on(table.seriesId, table.step, table.timestamp)],
);

/**
 * The metric rollup (metric-blocks.ts): per series, level and block of 4^level steps, what a summary
 * bucket keeps — count, first and last point as [step, timestamp, value], smallest and largest finite
 * point as [value, step, timestamp], first non-finite point — merged by each batch's upsert. It goes
 * with its series (cascade).
 */
export const metricBlocks = pgTable(
  'tracking_metric_blocks',
  {
    seriesId: integer('series_id')
      .notNull()
      .references(() => latestMetrics.seriesId, { onDelete: 'cascade' }),
    level: smallint('level').notNull(),
    block: bigint('block', { mode: 'number' }).notNull(),
    n: integer('n').notNull(),
    first: doublePrecision('first').array().notNull(),
    last: doublePrecision('last').array().notNull(),
    low: doublePrecision('low').array(),
    high: doublePrecision('high').array(),
    odd: doublePrecision('odd').array(),
  },
  (table) => [primaryKey({ columns: [table.seriesId, table.level, table.block] })],
);

/** Datasets a run used (MLflow's log-inputs), with the context tag such as `training`. */
export const datasetInputs = pgTable(
  'tracking_dataset_inputs',
  {
    runId: runReference(),
    name: text('name').notNull(),
    digest: text('digest').notNull(),
    sourceType: text('source_type').notNull(),
    source: text('source').notNull(),
    schema: text('schema'),
    profile: text('profile'),
    context: text('context'),
  },
  (table) => [primaryKey({ columns: [table.runId, table.name, table.digest] })],
);

/**
 * MLflow 3's logged models: a model with its own id (`m-<hex uuid>`), artifacts under its experiment's
 * root at `models/<id>/artifacts`, and a status that moves from PENDING to READY or FAILED when its
 * upload ends. Deleting one is soft, as for runs.
 */
export const loggedModels = pgTable(
  'tracking_logged_models',
  {
    modelId: text('model_id').primaryKey(),
    experimentId: bigint('experiment_id', { mode: 'number' })
      .notNull()
      .references(() => experiments.experimentId),
    name: text('name').notNull(),
    artifactLocation: text('artifact_location').notNull(),
    creationTimestamp: bigint('creation_timestamp_ms', { mode: 'number' }).notNull(),
    lastUpdatedTimestamp: bigint('last_updated_timestamp_ms', { mode: 'number' }).notNull(),
    status: text('status').notNull(),
    statusMessage: text('status_message'),
    modelType: text('model_type'),
    sourceRunId: text('source_run_id'),
    lifecycleStage: text('lifecycle_stage').notNull().default('active'),
  },
  (table) => [index('tracking_logged_models_experiment_idx').on(table.experimentId, table.creationTimestamp.desc())],
);

const loggedModelReference = () =>
  text('model_id')
    .notNull()
    .references(() => loggedModels.modelId, { onDelete: 'cascade' });

/** A logged model's params: write-once, as a run's. */
export const loggedModelParams = pgTable(
  'tracking_logged_model_params',
  { modelId: loggedModelReference(), key: text('key').notNull(), value: text('value').notNull() },
  (table) => [primaryKey({ columns: [table.modelId, table.key] })],
);

export const loggedModelTags = pgTable(
  'tracking_logged_model_tags',
  { modelId: loggedModelReference(), key: text('key').notNull(), value: text('value').notNull() },
  (table) => [primaryKey({ columns: [table.modelId, table.key] })],
);

/**
 * Metric points linked to a logged model (MLflow's Metric.model_id): the run that logged them and the
 * dataset they were measured on ('' when none, so the key stays total). A point logged twice is kept once.
 */
export const loggedModelMetrics = pgTable(
  'tracking_logged_model_metrics',
  {
    modelId: loggedModelReference(),
    key: text('key').notNull(),
    value: doublePrecision('value'),
    isNan: boolean('is_nan').notNull(),
    timestamp: bigint('timestamp', { mode: 'number' }).notNull(),
    step: bigint('step', { mode: 'number' }).notNull(),
    runId: text('run_id').notNull(),
    datasetName: text('dataset_name').notNull().default(''),
    datasetDigest: text('dataset_digest').notNull().default(''),
  },
  (table) => [
    primaryKey({
      name: 'tracking_logged_model_metrics_pk',
      columns: [table.modelId, table.key, table.timestamp, table.step, table.runId, table.datasetName, table.datasetDigest],
    }),
  ],
);

/** Models a run produced (MLflow's runs/outputs), with the step it produced each at. */
export const runOutputs = pgTable(
  'tracking_run_outputs',
  {
    runId: runReference(),
    modelId: loggedModelReference(),
    step: bigint('step', { mode: 'number' }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.runId, table.modelId, table.step] }), index('tracking_run_outputs_model_idx').on(table.modelId)],
);
