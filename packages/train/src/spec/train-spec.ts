import { z } from 'zod';

/**
 * The declarative training spec: what to read, what to predict from what, how to split, which model
 * and optimizer, and (optionally) what to search. A TypeScript object, or a YAML/JSON file
 * (`loadSpec`). Every field has a default except `data`, `target` and `features`.
 */

const columnName = z.string().min(1, 'a column name cannot be empty');

export const datePartSchema = z.enum(['year', 'month', 'day', 'dayOfWeek', 'dayOfYear', 'hour', 'minute', 'minuteOfDay']);
export type DatePart = z.infer<typeof datePartSchema>;

/** What to do with a value that is missing, or text in a numeric column. */
const invalidPolicy = z.enum(['impute', 'reject']);

export const numericFeatureSchema = z.strictObject({
  name: columnName,
  type: z.literal('numeric'),
  /** Missing values become this statistic of the training split. */
  impute: z.enum(['mean', 'median', 'zero']).default('mean'),
  /** `impute`: text or a missing value is counted and imputed; `reject`: it fails the training. */
  invalid: invalidPolicy.default('impute'),
  /** Subtract the training mean and divide by the training standard deviation. */
  standardize: z.boolean().default(true),
});

export const categoricalFeatureSchema = z.strictObject({
  name: columnName,
  type: z.literal('categorical'),
  /** One-hot columns for the most frequent training values; the rest, and unseen values, share the unknown bucket. */
  maxCategories: z.int().min(1).max(10_000).default(100),
  /** Values seen fewer times than this in training go to the unknown bucket. */
  minFrequency: z.int().min(1).default(1),
  /** `impute`: a missing value goes to the unknown bucket; `reject`: it fails the training. */
  invalid: invalidPolicy.default('impute'),
});

export const dateFeatureSchema = z.strictObject({
  name: columnName,
  type: z.literal('date'),
  /** The parts taken from the timestamp (UTC), each a standardized numeric input. */
  parts: z.array(datePartSchema).min(1).default(['year', 'month', 'dayOfWeek', 'hour']),
  invalid: invalidPolicy.default('impute'),
});

export const featureSchema = z.discriminatedUnion('type', [numericFeatureSchema, categoricalFeatureSchema, dateFeatureSchema]);
export type FeatureSpec = z.infer<typeof featureSchema>;

/** A bare column name is a numeric feature with the defaults. */
const featureInput = z.union([columnName.transform((name) => numericFeatureSchema.parse({ name, type: 'numeric' })), featureSchema]);

export const targetSchema = z.union([
  columnName.transform((column) => ({ name: column, column, expression: undefined })),
  z
    .strictObject({
      /** The name of the predicted output. */
      name: columnName,
      /** The column holding the target; `name` by default. */
      column: columnName.optional(),
      /** A DuckDB SQL expression over the data's columns, such as `delay > 15` (file and dataset data only). */
      expression: z.string().min(1).optional(),
    })
    .transform((target) => ({
      name: target.name,
      column: target.expression ? undefined : (target.column ?? target.name),
      expression: target.expression,
    })),
]);
export type TargetSpec = z.infer<typeof targetSchema>;

export const splitSchema = z
  .strictObject({
    /** `random`: seeded shuffle; `time`: the oldest rows train, the newest test (needs `column`). */
    method: z.enum(['random', 'time']).default('random'),
    /** The ordering column of a time split. */
    column: columnName.optional(),
    validation: z.number().min(0).max(0.9).default(0.1),
    test: z.number().min(0).max(0.9).default(0.2),
  })
  .refine((split) => split.validation + split.test < 1, { message: 'validation + test must leave rows for training (sum below 1)' })
  .refine((split) => split.method !== 'time' || split.column, {
    message: "a time split needs 'column', the timestamp to order by",
    path: ['column'],
  });
export type SplitSpec = z.infer<typeof splitSchema>;

export const activationSchema = z.enum(['relu', 'elu', 'selu', 'tanh', 'sigmoid', 'linear', 'softplus', 'swish', 'gelu']);
export type Activation = z.infer<typeof activationSchema>;

export const denseLayerSchema = z.strictObject({
  units: z.int().min(1).max(65_536),
  activation: activationSchema.default('relu'),
  dropout: z.number().min(0).max(0.95).default(0),
});
export type DenseLayerSpec = z.infer<typeof denseLayerSchema>;

const builtInModelSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('logistic'), l2: z.number().min(0).default(0) }),
  z.strictObject({ type: z.literal('linear'), l2: z.number().min(0).default(0) }),
  z.strictObject({
    type: z.literal('mlp'),
    /** The hidden layers, input side first. Shorthand: `hiddenUnits` with one activation and dropout. */
    layers: z.array(denseLayerSchema).min(1).optional(),
    hiddenUnits: z.array(z.int().min(1).max(65_536)).min(1).optional(),
    activation: activationSchema.default('relu'),
    dropout: z.number().min(0).max(0.95).default(0),
    l2: z.number().min(0).default(0),
  }),
]);

/** A trainer registered in the `trainer` plugin slot; its own options are passed through. */
const pluginModelSchema = z.looseObject({ type: z.string().regex(/^plugin:[\w.-]+$/, "a plugin model type reads 'plugin:<name>'") });

/**
 * The model: `logistic`, `linear`, `mlp`, or `plugin:<name>`. Picked by `type` before checking, so a
 * mistake is reported at its field (`model.hiddenUnits.0`) rather than as "no alternative matched".
 */
export const modelSchema = z
  .unknown()
  .transform((value, context): z.infer<typeof builtInModelSchema> | z.infer<typeof pluginModelSchema> => {
    const type = (value as { type?: unknown } | null)?.type;
    const schema = typeof type === 'string' && type.startsWith('plugin:') ? pluginModelSchema : builtInModelSchema;
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) context.addIssue({ ...issue, code: 'custom', message: issue.message, path: issue.path });
    return z.NEVER;
  });
export type ModelSpec = z.infer<typeof modelSchema>;

export const optimizerSchema = z.strictObject({
  name: z.enum(['adam', 'sgd', 'rmsprop', 'adagrad']).default('adam'),
  learningRate: z.number().positive().max(10).default(0.001),
});

export const earlyStoppingSchema = z.strictObject({
  /** Watched each epoch on the validation split. */
  monitor: z.enum(['val_loss']).default('val_loss'),
  patience: z.int().min(1).default(5),
  minDelta: z.number().min(0).default(0),
  /** Keep the weights of the best epoch rather than the last. */
  restoreBest: z.boolean().default(true),
});

export const backendSchema = z.enum(['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']);
export type BackendChoice = z.infer<typeof backendSchema>;

/** One searched parameter, Optuna-style. Keys of `search.space` are dotted paths into the spec (`optimizer.learningRate`). */
export const paramDistributionSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('float'), low: z.number(), high: z.number(), log: z.boolean().default(false) }),
  z.strictObject({ type: z.literal('int'), low: z.int(), high: z.int(), step: z.int().min(1).default(1), log: z.boolean().default(false) }),
  z.strictObject({ type: z.literal('categorical'), choices: z.array(z.unknown()).min(1) }),
]);
export type ParamDistribution = z.infer<typeof paramDistributionSchema>;

export const searchSchema = z.strictObject({
  space: z.record(z.string().min(1), paramDistributionSchema),
  sampler: z.enum(['grid', 'random', 'tpe']).default('tpe'),
  trials: z.int().min(1).max(100_000).default(20),
  /** Trials at once; 0 means one per core. */
  parallel: z.int().min(0).max(256).default(0),
  /**
   * `threads` (worker_threads), `processes` (child processes, isolated memory), or `queue` (jobs on the
   * workspace's job queue, run by `mlp worker` processes on any machine; needs @mlp/orchestrate).
   */
  workers: z.enum(['threads', 'processes', 'queue']).default('threads'),
  /** The metric that picks the best trial, as logged on the validation split (`val_auc`, `val_rmse`, …). */
  metric: z.string().min(1).optional(),
  direction: z.enum(['maximize', 'minimize']).optional(),
  /** Asynchronous successive halving (ASHA): stop weak trials at rungs of epochs. */
  pruner: z
    .union([
      z.literal('none'),
      z.strictObject({
        type: z.literal('asha'),
        minEpochs: z.int().min(1).default(2),
        reductionFactor: z.int().min(2).default(3),
      }),
    ])
    .default('none'),
  /** Trials the model-based sampler draws at random before it models the results. */
  startupTrials: z.int().min(1).default(5),
});
export type SearchSpec = z.infer<typeof searchSchema>;

export const taskSchema = z.enum(['binary', 'multiclass', 'regression']);
export type Task = z.infer<typeof taskSchema>;

export const trainSpecSchema = z.strictObject({
  /** The tracking experiment the runs go to. */
  experiment: z.string().min(1).default('train'),
  /** Tags set on every run of this training (a search's parent and each trial), such as `mlp.validation.success`. */
  tags: z.record(z.string().min(1), z.string()).default({}),
  /** A file (CSV, TSV, Parquet, JSON, JSONL) or a dataset version `name@version`. */
  data: z.string().min(1),
  /** Read at most this many rows (a seeded sample when the data has more). */
  rows: z.int().min(1).optional(),
  target: targetSchema,
  /** Inferred from the target when absent: text, booleans or two values are classes; other numbers, regression. */
  task: taskSchema.optional(),
  /** The positive class of a binary task; the larger (or `true`) value by default. */
  positiveClass: z.union([z.string(), z.number(), z.boolean()]).optional(),
  features: z.array(featureInput).min(1, 'name at least one feature'),
  split: splitSchema.default({ method: 'random', validation: 0.1, test: 0.2 }),
  model: modelSchema.default({ type: 'mlp', hiddenUnits: [32, 16], activation: 'relu', dropout: 0, l2: 0 }),
  optimizer: optimizerSchema.default({ name: 'adam', learningRate: 0.001 }),
  epochs: z.int().min(1).max(10_000).default(20),
  batchSize: z.int().min(1).max(1_000_000).default(256),
  earlyStopping: z.union([z.literal(false), earlyStoppingSchema]).default(false),
  /** `balanced` weighs each class by n / (k · count); or a weight per class value. */
  classWeights: z.union([z.literal('balanced'), z.record(z.string(), z.number().positive())]).optional(),
  seed: z
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(42),
  backend: backendSchema.default('auto'),
  search: searchSchema.optional(),
});

/** The spec as written (defaults optional). */
export type TrainSpecInput = z.input<typeof trainSpecSchema>;
/** The spec after parsing: defaults filled in, shorthands expanded. */
export type TrainSpec = z.infer<typeof trainSpecSchema>;
