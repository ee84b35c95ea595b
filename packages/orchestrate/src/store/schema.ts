import { bigint, bigserial, boolean, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';

// Times are epoch milliseconds in bigint columns, as in the other packages.

/** Each pipeline seen by a run or registered: where its code is and the hash of its source. */
export const pipelines = pgTable('orchestrate_pipelines', {
  name: text('name').primaryKey(),
  /** Relative to the workspace folder when inside it, else absolute. */
  modulePath: text('module_path').notNull(),
  sourceHash: text('source_hash').notNull(),
  /** `[{ name, kind, needs, over, triggerRule, retries, pool, process }]`: the graph, for display. */
  steps: jsonb('steps').notNull(),
  schedule: jsonb('schedule'),
  triggers: jsonb('triggers'),
  description: text('description'),
  createdTime: bigint('created_time', { mode: 'number' }).notNull(),
  updatedTime: bigint('updated_time', { mode: 'number' }).notNull(),
});

/** One run of a pipeline. */
export const runs = pgTable(
  'orchestrate_runs',
  {
    runId: text('run_id').primaryKey(),
    pipelineName: text('pipeline_name').notNull(),
    modulePath: text('module_path').notNull(),
    sourceHash: text('source_hash').notNull(),
    params: jsonb('params').notNull(),
    /** queued | running | succeeded | failed | cancelled */
    status: text('status').notNull(),
    /** manual | schedule | event | http | backfill | retry */
    triggerKind: text('trigger_kind').notNull(),
    /** Idempotency key: a second start with the same key finds this run instead of making another. */
    triggerKey: text('trigger_key'),
    /** The tick or interval the run is for (schedules, backfill). */
    logicalTime: bigint('logical_time', { mode: 'number' }),
    /** The run this one retries, reusing its succeeded outputs. */
    retryOf: text('retry_of'),
    executor: text('executor').notNull(),
    /** The engine process driving the run, and until when its claim holds (renewed by heartbeat). */
    owner: text('owner'),
    leaseExpiresAt: bigint('lease_expires_at', { mode: 'number' }),
    /** Set by `cancel`: the engine driving the run stops its tasks. */
    cancelRequested: boolean('cancel_requested').notNull().default(false),
    error: text('error'),
    createdTime: bigint('created_time', { mode: 'number' }).notNull(),
    startedTime: bigint('started_time', { mode: 'number' }),
    endedTime: bigint('ended_time', { mode: 'number' }),
  },
  (table) => [
    uniqueIndex('orchestrate_runs_trigger_key_idx').on(table.pipelineName, table.triggerKey),
    index('orchestrate_runs_pipeline_idx').on(table.pipelineName, table.createdTime),
    index('orchestrate_runs_status_idx').on(table.status),
  ],
);

/**
 * One task: a step, or one item of a map step (`map_index` ≥ 0; the map step itself has -1).
 * status: pending | running | up_for_retry | succeeded | failed | skipped | upstream_failed | cancelled
 */
export const tasks = pgTable(
  'orchestrate_tasks',
  {
    taskId: text('task_id').primaryKey(),
    runId: text('run_id')
      .notNull()
      .references(() => runs.runId, { onDelete: 'cascade' }),
    step: text('step').notNull(),
    mapIndex: integer('map_index').notNull().default(-1),
    /** The step's place in the pipeline's definition order, for display. */
    position: integer('position').notNull().default(0),
    status: text('status').notNull(),
    /** Attempts started so far. */
    attempts: integer('attempts').notNull().default(0),
    /** The attempt allowed to write results: a worker whose lease was taken over writes nothing. */
    fence: integer('fence').notNull().default(0),
    cached: boolean('cached').notNull().default(false),
    cacheKey: text('cache_key'),
    /** A retry waits until this time. */
    notBefore: bigint('not_before', { mode: 'number' }),
    error: jsonb('error'),
    startedTime: bigint('started_time', { mode: 'number' }),
    endedTime: bigint('ended_time', { mode: 'number' }),
  },
  (table) => [uniqueIndex('orchestrate_tasks_step_idx').on(table.runId, table.step, table.mapIndex)],
);

/** One attempt of a task, with the lease of whoever runs it. status: running | succeeded | failed | cancelled */
export const attempts = pgTable(
  'orchestrate_attempts',
  {
    taskId: text('task_id')
      .notNull()
      .references(() => tasks.taskId, { onDelete: 'cascade' }),
    attempt: integer('attempt').notNull(),
    runId: text('run_id').notNull(),
    status: text('status').notNull(),
    executor: text('executor').notNull(),
    leaseOwner: text('lease_owner'),
    leaseExpiresAt: bigint('lease_expires_at', { mode: 'number' }),
    /** Equal to `attempt`: writes check it against the task's current fence. */
    fence: integer('fence').notNull(),
    /** `{ message, stack?, code? }` of a failed attempt. */
    error: jsonb('error'),
    startedTime: bigint('started_time', { mode: 'number' }).notNull(),
    endedTime: bigint('ended_time', { mode: 'number' }),
  },
  (table) => [
    primaryKey({ columns: [table.taskId, table.attempt] }),
    index('orchestrate_attempts_lease_idx').on(table.status, table.leaseExpiresAt),
  ],
);

/** A task's output: small JSON inline, large JSON in the blob store. */
export const outputs = pgTable(
  'orchestrate_outputs',
  {
    taskId: text('task_id')
      .primaryKey()
      .references(() => tasks.taskId, { onDelete: 'cascade' }),
    runId: text('run_id').notNull(),
    /** json | blob | none (the step returned undefined) */
    kind: text('kind').notNull(),
    value: jsonb('value'),
    blobKey: text('blob_key'),
    size: integer('size').notNull(),
    /** hash(inputs, params, step source): a later task with the same key may reuse this output. */
    cacheKey: text('cache_key'),
    createdTime: bigint('created_time', { mode: 'number' }).notNull(),
  },
  (table) => [index('orchestrate_outputs_cache_idx').on(table.cacheKey, table.createdTime)],
);

/** Per-task log lines, in order. */
export const logs = pgTable(
  'orchestrate_logs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    runId: text('run_id').notNull(),
    taskId: text('task_id').notNull(),
    attempt: integer('attempt').notNull(),
    time: bigint('time', { mode: 'number' }).notNull(),
    level: text('level').notNull(),
    message: text('message').notNull(),
  },
  (table) => [index('orchestrate_logs_run_idx').on(table.runId, table.id)],
);
