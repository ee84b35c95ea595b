import { readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { formatZodIssues, MlpError, type PluginRegistry } from '@mlp/core';
import { selectBackend } from '../backend/select-backend.js';
import type { LayersModel } from '../backend/tf.js';
import type { Table } from '../data/table.js';
import { tableFromRecords } from '../data/table-from-records.js';
import { type InvalidRow, restorePreprocessor } from '../features/preprocessor.js';
import type { PreprocessorState } from '../features/preprocessor-state.js';
import { restoreTarget, type TargetState } from '../features/target-encoder.js';
import { predictMatrix } from '../model/predict-matrix.js';
import { openOnnxPredictor } from '../onnx/onnx-predictor.js';
import type { BackendChoice } from '../spec/train-spec.js';
import { unpackModel } from './model-archive.js';
import { outputsToPredictions } from './outputs-to-predictions.js';
import { type InputExample, type PackageManifest, type Prediction, packageFiles, packageManifestSchema } from './package-manifest.js';
import { loadTfjsModel } from './tfjs-model-files.js';

export type ModelRuntime = 'tfjs' | 'onnx';

export interface LoadModelOptions {
  /** Which model file serves: the tfjs model (default) or the ONNX export through onnxruntime-node. */
  runtime?: ModelRuntime;
  /** The tfjs backend for the tfjs runtime: the best installed one by default. */
  backend?: BackendChoice;
  /** Trainer plugins: a package a plugin trained is served by that plugin (and `runtime` is ignored). */
  plugins?: PluginRegistry;
}

export interface PredictOptions {
  /** What an invalid record gets: an error (the default), or a null prediction with the reason. */
  onInvalid?: 'error' | 'null';
}

/** A model package ready to serve: the same preprocessing as in training, then the model. */
export interface LoadedModel {
  readonly manifest: PackageManifest;
  readonly runtime: ModelRuntime;
  /** JSON Schemas of one input record and one output. */
  readonly signature: { inputs: Record<string, unknown>; outputs: Record<string, unknown> };
  readonly metrics: Record<string, unknown>;
  readonly provenance: Record<string, unknown>;
  /**
   * One prediction per record, in order. A record with an invalid value (`abc` for a number), or
   * missing one the model was trained to reject, is refused (INVALID_ARGUMENT naming the record and
   * feature); with `onInvalid: 'null'` it gets `{ prediction: null, invalid: reason }` instead.
   * Missing values of features imputed in training are imputed the same way.
   */
  predict(records: readonly Record<string, unknown>[], options?: PredictOptions): Promise<Prediction[]>;
  /** `predict` on a table (as `readTable` or `readTableChunks` read it): no conversion to records. */
  predictTable(table: Table, options?: PredictOptions): Promise<Prediction[]>;
  /**
   * The raw outputs, row-major: P(positive) for binary, class probabilities for multiclass, values
   * for regression. Invalid records are refused, as by `predict`.
   */
  predictOutputs(records: readonly Record<string, unknown>[]): Promise<Float32Array>;
  /**
   * Replays the package's stored example through this runtime and returns the largest absolute
   * difference from the outputs the evaluation computed. Near zero when serving matches training.
   */
  verify(): Promise<{ records: number; maxAbsDifference: number }>;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Opens a model package folder, or a `.mlpkg.tgz` archive of one. */
export async function loadModel(source: string, options: LoadModelOptions = {}): Promise<LoadedModel> {
  const runtime = options.runtime ?? 'tfjs';
  const info = await stat(source).catch((error: unknown) => {
    throw new MlpError('NOT_FOUND', `No model package at ${source}: ${(error as Error).message}`, { cause: error });
  });
  const unpacked = info.isFile() ? await unpackModel(source) : undefined;
  const dir = unpacked ?? path.resolve(source);
  try {
    const readJson = async <T>(name: string): Promise<T> => {
      const text = await readFile(path.join(dir, name), 'utf8').catch((error: unknown) => {
        throw new MlpError(
          'INVALID_ARGUMENT',
          `${source} is not a complete model package: ${name} is missing (${(error as Error).message}).`,
          {
            cause: error,
          },
        );
      });
      return JSON.parse(text) as T;
    };
    const parsed = packageManifestSchema.safeParse(await readJson(packageFiles.manifest));
    if (!parsed.success)
      throw new MlpError('INVALID_ARGUMENT', `${source} has an unreadable ${packageFiles.manifest}: ${formatZodIssues(parsed.error)}.`);
    const manifest = parsed.data;
    if (!manifest.trainer && !manifest.runtimes[runtime])
      throw new MlpError(
        'FAILED_PRECONDITION',
        `${source} holds no ${runtime} model; load it with runtime '${manifest.runtimes.tfjs ? 'tfjs' : 'onnx'}'.`,
      );
    const preprocessing = await readJson<{ features: PreprocessorState; target: TargetState }>(packageFiles.preprocessing);
    const preprocessor = restorePreprocessor(preprocessing.features);
    const target = restoreTarget(preprocessing.target);
    const [signature, metrics, provenance, example] = await Promise.all([
      readJson<LoadedModel['signature']>(packageFiles.signature),
      readJson<Record<string, unknown>>(packageFiles.metrics),
      readJson<Record<string, unknown>>(packageFiles.provenance),
      // Packages written before MLflow's input example held the replayable one as input_example.json.
      readJson<InputExample>(packageFiles.inputExample).catch(async (error: unknown) => {
        const earlier = await readJson<Partial<InputExample>>(packageFiles.mlflowInputExample).catch(() => undefined);
        if (Array.isArray(earlier?.records) && Array.isArray(earlier?.outputs)) return earlier as InputExample;
        throw error;
      }),
    ]);
    const score = manifest.trainer
      ? await openPluginModel(dir, manifest.trainer, options.plugins)
      : await openRuntime(dir, runtime, options.backend ?? 'auto', manifest.onnxMatrix ?? packageFiles.onnx);

    const featureNames = preprocessing.features.features.map((feature) => feature.name);
    const asTable = (records: readonly Record<string, unknown>[]) => {
      if (!Array.isArray(records))
        throw new MlpError('INVALID_ARGUMENT', 'predict takes an array of records (objects keyed by feature name).');
      return tableFromRecords(records, featureNames);
    };
    const scoreRows = async (table: Table, rows?: Int32Array) => {
      const count = rows ? rows.length : table.rowCount;
      if (count === 0) return new Float32Array(0);
      const { matrix } = preprocessor.transform(table, rows);
      return score.predict(matrix, count, preprocessor.width);
    };
    const predictTable = async (table: Table, options: PredictOptions = {}): Promise<Prediction[]> => {
      const invalid = preprocessor.invalidRows(table);
      if (invalid.length === 0) return outputsToPredictions(await scoreRows(table), table.rowCount, manifest, target);
      if ((options.onInvalid ?? 'error') === 'error') throw invalidRecordsError(invalid);
      const bad = new Map(invalid.map((entry) => [entry.row, entry.reason]));
      const valid = Int32Array.from({ length: table.rowCount }, (_, row) => row).filter((row) => !bad.has(row));
      const scored = outputsToPredictions(await scoreRows(table, valid), valid.length, manifest, target);
      let next = 0;
      return Array.from({ length: table.rowCount }, (_, row): Prediction => {
        const reason = bad.get(row);
        return reason === undefined ? (scored[next++] as Prediction) : { prediction: null, invalid: reason };
      });
    };
    return {
      manifest,
      runtime,
      signature,
      metrics,
      provenance,
      async predictOutputs(records) {
        const table = asTable(records);
        const invalid = preprocessor.invalidRows(table);
        if (invalid.length > 0) throw invalidRecordsError(invalid);
        return scoreRows(table);
      },
      predict: async (records, options) => predictTable(asTable(records), options),
      predictTable,
      async verify() {
        // The stored records replay exactly as the evaluation encoded them (imputed where training imputed).
        const outputs = await scoreRows(asTable(example.records));
        let maxAbsDifference = 0;
        for (let i = 0; i < example.outputs.length; i += 1)
          maxAbsDifference = Math.max(maxAbsDifference, Math.abs((outputs[i] ?? Number.NaN) - (example.outputs[i] as number)));
        if (outputs.length !== example.outputs.length) maxAbsDifference = Number.POSITIVE_INFINITY;
        return { records: example.records.length, maxAbsDifference };
      },
      async close() {
        await score.close();
        if (unpacked) await rm(unpacked, { recursive: true, force: true });
      },
      [Symbol.asyncDispose](this: LoadedModel) {
        return this.close();
      },
    };
  } catch (error) {
    if (unpacked) await rm(unpacked, { recursive: true, force: true });
    throw error;
  }
}

function invalidRecordsError(invalid: readonly InvalidRow[]): MlpError {
  const [first] = invalid as [InvalidRow];
  const more = invalid.length > 1 ? ` (and ${invalid.length - 1} more invalid record${invalid.length > 2 ? 's' : ''})` : '';
  return new MlpError(
    'INVALID_ARGUMENT',
    `Record ${first.row} is invalid: ${first.reason}${more}. Fix those values, or pass onInvalid: 'null' to get a null prediction with the reason for them.`,
    { details: { row: first.row, feature: first.feature, invalid: invalid.length } },
  );
}

interface Scorer {
  predict(x: Float32Array, rows: number, width: number): Promise<Float32Array>;
  close(): Promise<void>;
}

async function openPluginModel(dir: string, trainer: string, plugins: PluginRegistry | undefined): Promise<Scorer> {
  if (!plugins)
    throw new MlpError(
      'FAILED_PRECONDITION',
      `This package was trained by the trainer plugin '${trainer}': pass a plugin registry holding it as plugins.`,
    );
  const model = await plugins.get('trainer', trainer).load(path.join(dir, packageFiles.trainer));
  return { predict: async (x, rows, width) => model.predict(x, rows, width), close: async () => model.close?.() };
}

async function openRuntime(dir: string, runtime: ModelRuntime, backend: BackendChoice, onnxMatrix: string): Promise<Scorer> {
  if (runtime === 'onnx') return openOnnxPredictor(await readFile(path.join(dir, onnxMatrix)));
  await selectBackend(backend);
  const model: LayersModel = await loadTfjsModel(path.join(dir, packageFiles.tfjs));
  return {
    predict: async (x, rows, width) => predictMatrix(model, x, rows, width),
    close: async () => {
      model.dispose();
    },
  };
}
