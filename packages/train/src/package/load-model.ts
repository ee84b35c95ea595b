import { readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { formatZodIssues, MlpError, type PluginRegistry } from '@mlp/core';
import { selectBackend } from '../backend/select-backend.js';
import type { LayersModel } from '../backend/tf.js';
import { restorePreprocessor } from '../features/preprocessor.js';
import type { PreprocessorState } from '../features/preprocessor-state.js';
import { restoreTarget, type TargetState } from '../features/target-encoder.js';
import { predictMatrix } from '../model/predict-matrix.js';
import { createOnnxPredictor } from '../onnx/onnx-predictor.js';
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

/** A model package ready to serve: the same preprocessing as in training, then the model. */
export interface LoadedModel {
  readonly manifest: PackageManifest;
  readonly runtime: ModelRuntime;
  /** JSON Schemas of one input record and one output. */
  readonly signature: { inputs: Record<string, unknown>; outputs: Record<string, unknown> };
  readonly metrics: Record<string, unknown>;
  readonly provenance: Record<string, unknown>;
  /** One prediction per record, in order. */
  predict(records: readonly Record<string, unknown>[]): Promise<Prediction[]>;
  /** The raw outputs, row-major: P(positive) for binary, class probabilities for multiclass, values for regression. */
  predictOutputs(records: readonly Record<string, unknown>[]): Promise<Float32Array>;
  /**
   * Replays the package's stored example through this runtime and returns the largest absolute
   * difference from the outputs the evaluation computed. Near zero when serving matches training.
   */
  verify(): Promise<{ records: number; maxAbsDifference: number }>;
  close(): Promise<void>;
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
      readJson<InputExample>(packageFiles.inputExample),
    ]);
    const score = manifest.trainer
      ? await openPluginModel(dir, manifest.trainer, options.plugins)
      : await openRuntime(dir, runtime, options.backend ?? 'auto');

    const predictOutputs = async (records: readonly Record<string, unknown>[]) => {
      if (!Array.isArray(records))
        throw new MlpError('INVALID_ARGUMENT', 'predict takes an array of records (objects keyed by feature name).');
      if (records.length === 0) return new Float32Array(0);
      const { matrix, rows } = preprocessor.transformRecords(records);
      return score.predict(matrix, rows, preprocessor.width);
    };
    return {
      manifest,
      runtime,
      signature,
      metrics,
      provenance,
      predictOutputs,
      async predict(records) {
        return outputsToPredictions(await predictOutputs(records), records.length, manifest, target);
      },
      async verify() {
        const outputs = await predictOutputs(example.records);
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
    };
  } catch (error) {
    if (unpacked) await rm(unpacked, { recursive: true, force: true });
    throw error;
  }
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

async function openRuntime(dir: string, runtime: ModelRuntime, backend: BackendChoice): Promise<Scorer> {
  if (runtime === 'onnx') return createOnnxPredictor(await readFile(path.join(dir, packageFiles.onnx)));
  await selectBackend(backend);
  const model: LayersModel = await loadTfjsModel(path.join(dir, packageFiles.tfjs));
  return {
    predict: async (x, rows, width) => predictMatrix(model, x, rows, width),
    close: async () => {
      model.dispose();
    },
  };
}
