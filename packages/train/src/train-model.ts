import { MlpError, type PluginRegistry } from '@mlp/core';
import { selectBackend } from './backend/select-backend.js';
import { readTable } from './data/read-table.js';
import { splitRows } from './data/split-rows.js';
import type { Table } from './data/table.js';
import { tableRecords } from './data/table-records.js';
import { type EvaluationReport, evaluatePredictions } from './evaluate/evaluate-predictions.js';
import { type FeatureIssue, fitPreprocessor } from './features/preprocessor.js';
import { fitTarget } from './features/target-encoder.js';
import { classWeightsFor } from './model/class-weights.js';
import type { TrainerPlugin } from './model/learner.js';
import { createTfjsLearner } from './model/tfjs-learner.js';
import { writeModelPackage } from './package/write-model-package.js';
import type { ModelSpec, TrainSpec } from './spec/train-spec.js';

export interface TrainModelOptions {
  /** The data, when the caller has it in memory; otherwise `spec.data` (or `dataPath`) is read. */
  table?: Table;
  /** The file holding `spec.data` when that is a dataset reference resolved by the caller. */
  dataPath?: string;
  /** Trainer plugins, for `model: { type: 'plugin:<name>' }`. */
  plugins?: PluginRegistry;
  /** Where the model package is written (must not exist). */
  packageDir: string;
  /** Written into the package's provenance (run id, dataset versions, …). */
  provenance?: Record<string, unknown>;
  signal?: AbortSignal;
  /** Each epoch's metrics (`loss`, `val_loss`, `val_auc`, …); return 'stop' to end training there (a pruned trial). */
  onEpoch?: (epoch: number, metrics: Record<string, number>) => undefined | 'stop' | Promise<undefined | 'stop'>;
}

export interface TrainModelResult {
  /** Final metrics: `val_*` on the validation split, `test_*` on the held-out test split, timings. */
  metrics: Record<string, number>;
  /** Per-epoch metrics, as given to `onEpoch`. */
  history: { epoch: number; metrics: Record<string, number> }[];
  /** Confusion matrix and ROC/PR curves on the test split (classification). */
  evaluation: EvaluationReport;
  backend: string;
  rows: { train: number; validation: number; test: number };
  /** Missing or invalid feature values counted (and imputed) in the training data. */
  featureIssues: FeatureIssue[];
  epochs: number;
  stoppedBy: 'epochs' | 'early-stopping' | 'callback';
}

/** The metric a search optimises by default, and its direction, per task. */
export function defaultObjective(task: TrainSpec['task']): { metric: string; direction: 'maximize' | 'minimize' } {
  if (task === 'regression') return { metric: 'val_rmse', direction: 'minimize' };
  if (task === 'multiclass') return { metric: 'val_accuracy', direction: 'maximize' };
  return { metric: 'val_auc', direction: 'maximize' };
}

/**
 * One training, untracked: read the data, split it, fit the preprocessing on the training rows,
 * train, evaluate on validation and test, and write the model package. Runs in a search's workers as
 * well as in-process; tracking wraps it (`train`).
 */
export async function trainModel(spec: TrainSpec, options: TrainModelOptions): Promise<TrainModelResult> {
  const plugin = trainerPluginFor(spec, options.plugins);
  const backend = plugin ? `plugin:${plugin.name}` : await selectBackend(spec.backend);
  const table = options.table ?? (await readSpecData(spec, options.dataPath ?? spec.data, options.signal));

  const split = splitRows(table, spec.split, spec.seed);
  const target = fitTarget(table, spec.target, { rows: split.train, ...(spec.task ? { task: spec.task } : {}), ...positive(spec) });
  const preprocessor = fitPreprocessor(table, spec.features, split.train);
  const encode = (rows: Int32Array) => ({ ...preprocessor.transform(table, rows), y: target.encode(table, rows) });
  const train = encode(split.train);
  const validation = split.validation.length ? encode(split.validation) : undefined;
  const test = split.test.length ? encode(split.test) : undefined;

  const { task } = target.state;
  const classes = task === 'regression' ? 1 : (target.state.classes?.length ?? 2);
  const shape = { inputWidth: preprocessor.width, task, classes, seed: spec.seed };
  const model = plugin ? plugin.create(spec.model, shape) : createTfjsLearner(spec.model as ModelSpec, shape);
  try {
    const history: TrainModelResult['history'] = [];
    const fit = await model.fit(
      {
        x: train.matrix,
        y: train.y,
        rows: train.rows,
        width: preprocessor.width,
        ...(validation ? { validation: { x: validation.matrix, y: validation.y, rows: validation.rows } } : {}),
      },
      {
        task,
        classes,
        epochs: spec.epochs,
        batchSize: spec.batchSize,
        optimizer: spec.optimizer,
        earlyStopping: spec.earlyStopping === false ? false : spec.earlyStopping,
        ...classWeightsFor(spec.classWeights, train.y, target.state),
        seed: spec.seed,
        ...(options.signal ? { signal: options.signal } : {}),
        onEpoch: async (epoch, logs) => {
          const metrics: Record<string, number> = { loss: logs.loss };
          if (logs.valLoss !== undefined) metrics.val_loss = logs.valLoss;
          if (validation) {
            const scores = await model.predict(validation.matrix, validation.rows, preprocessor.width);
            Object.assign(metrics, prefixed('val_', evaluatePredictions(task, validation.y, scores, classes).metrics));
          }
          history.push({ epoch, metrics });
          return options.onEpoch?.(epoch, metrics);
        },
      },
    );

    const metrics: Record<string, number> = { ...history.at(-1)?.metrics };
    delete metrics.loss;
    let evaluation: EvaluationReport = { metrics: {} };
    if (validation) {
      const scores = await model.predict(validation.matrix, validation.rows, preprocessor.width);
      Object.assign(metrics, prefixed('val_', evaluatePredictions(task, validation.y, scores, classes).metrics));
    }
    if (test) {
      const scores = await model.predict(test.matrix, test.rows, preprocessor.width);
      evaluation = evaluatePredictions(task, test.y, scores, classes, { curves: true });
      Object.assign(metrics, prefixed('test_', evaluation.metrics));
    }
    metrics.training_time_s = fit.seconds;
    metrics.samples_per_second = fit.samplesPerSecond;
    metrics.epochs = fit.epochs;

    // The package's replayable example: the first records of the test split (else validation, else training).
    const [exampleSet, exampleRows] = test ? [test, split.test] : validation ? [validation, split.validation] : [train, split.train];
    const exampleCount = Math.min(20, exampleSet.rows);
    const outputs = await model.predict(exampleSet.matrix.subarray(0, exampleCount * preprocessor.width), exampleCount, preprocessor.width);
    await writeModelPackage(options.packageDir, {
      name: spec.experiment,
      modelType: spec.model.type,
      learner: model,
      ...(plugin ? { trainer: plugin.name } : {}),
      inputWidth: preprocessor.width,
      preprocessing: { features: preprocessor.state, target: target.state },
      signature: { inputs: preprocessor.inputSchema(), outputs: outputSchema(target.state) },
      metrics,
      provenance: {
        ...options.provenance,
        spec,
        backend,
        seed: spec.seed,
        rows: { train: train.rows, validation: validation?.rows ?? 0, test: test?.rows ?? 0 },
      },
      inputExample: {
        records: tableRecords(table, {
          rows: exampleRows.subarray(0, exampleCount),
          columns: spec.features.map((feature) => feature.name),
        }),
        outputs: Array.from(outputs),
      },
    });
    return {
      metrics,
      history,
      evaluation,
      backend,
      rows: { train: train.rows, validation: validation?.rows ?? 0, test: test?.rows ?? 0 },
      featureIssues: train.issues,
      epochs: fit.epochs,
      stoppedBy: fit.stoppedBy,
    };
  } finally {
    model.dispose();
  }
}

function trainerPluginFor(spec: TrainSpec, plugins: PluginRegistry | undefined): TrainerPlugin | undefined {
  if (!spec.model.type.startsWith('plugin:')) return undefined;
  const name = spec.model.type.slice('plugin:'.length);
  if (!plugins)
    throw new MlpError(
      'FAILED_PRECONDITION',
      `Model type ${spec.model.type} needs the trainer plugin '${name}': register it in a plugin registry's trainer slot and pass it as plugins.`,
    );
  return plugins.get('trainer', name);
}

/** Reads the columns the spec uses (features, target, time-split column) from a data file. */
export async function readSpecData(spec: TrainSpec, file: string, signal?: AbortSignal): Promise<Table> {
  const columns = new Set<string>(spec.features.map((feature) => feature.name));
  if (spec.target.column) columns.add(spec.target.column);
  if (spec.split.column) columns.add(spec.split.column);
  return readTable(file, {
    columns: [...columns],
    ...(spec.target.expression ? { target: { name: spec.target.name, expression: spec.target.expression } } : {}),
    ...(spec.rows ? { rows: spec.rows } : {}),
    seed: spec.seed,
    ...(signal ? { signal } : {}),
  });
}

function positive(spec: TrainSpec): { positiveClass?: string | number | boolean } {
  return spec.positiveClass === undefined ? {} : { positiveClass: spec.positiveClass };
}

function prefixed(prefix: string, metrics: Record<string, number | null>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(metrics)) if (value !== null && Number.isFinite(value)) out[prefix + key] = value;
  return out;
}

function outputSchema(target: { task: string; classes?: unknown[] }): Record<string, unknown> {
  const prediction = target.classes ? { enum: target.classes } : { type: 'number' };
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    required: ['prediction'],
    properties: {
      prediction,
      ...(target.classes ? { probabilities: { type: 'object', additionalProperties: { type: 'number', minimum: 0, maximum: 1 } } } : {}),
    },
  };
}
