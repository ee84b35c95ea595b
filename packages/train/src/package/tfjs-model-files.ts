import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { MlpError, writeFileAtomic } from '@mlp/core';
import { type LayersModel, tf, tfl } from '../backend/tf.js';

const MODEL_JSON = 'model.json';
const WEIGHTS_BIN = 'weights.bin';

/**
 * Writes a model in the standard TensorFlow.js LayersModel format — `model.json` (topology and
 * weights manifest) and `weights.bin` — readable by `tf.loadLayersModel` in the browser or tfjs-node.
 * Goes through a save handler, so no tfjs-node file system is needed. Each file is written to a
 * temporary name and renamed, weights first, so a reader never sees a model.json without its weights.
 */
export async function saveTfjsModel(model: LayersModel, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const { weightSpecs = [], weightData } = artifacts;
      const weights = weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(weightData);
      const modelJson: tf.io.ModelJSON = {
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tfl.version_layers}`,
        convertedBy: artifacts.convertedBy ?? null,
        modelTopology: artifacts.modelTopology as object,
        ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
        weightsManifest: [{ paths: [WEIGHTS_BIN], weights: weightSpecs }],
      };
      await writeFileAtomic(path.join(dir, WEIGHTS_BIN), new Uint8Array(weights));
      await writeFileAtomic(path.join(dir, MODEL_JSON), JSON.stringify(modelJson));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weights.byteLength } };
    }),
  );
}

/** Reads a model written by `saveTfjsModel` (or any tfjs LayersModel folder with local weight files). */
export async function loadTfjsModel(dir: string): Promise<LayersModel> {
  const jsonFile = path.join(dir, MODEL_JSON);
  const text = await readFile(jsonFile, 'utf8').catch((error: unknown) => {
    throw new MlpError('NOT_FOUND', `No tfjs model at ${dir}: ${(error as Error).message}. Point at the folder holding ${MODEL_JSON}.`, {
      cause: error,
    });
  });
  let modelJson: tf.io.ModelJSON;
  try {
    modelJson = JSON.parse(text) as tf.io.ModelJSON;
  } catch (error) {
    throw new MlpError('INVALID_ARGUMENT', `${jsonFile} is not valid JSON (${(error as Error).message}); the model files are damaged.`, {
      cause: error,
    });
  }
  if (!modelJson || typeof modelJson !== 'object' || !modelJson.modelTopology)
    throw new MlpError('INVALID_ARGUMENT', `${jsonFile} has no modelTopology: it is not a tfjs LayersModel.`);
  const artifacts = await tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
    const specs: tf.io.WeightsManifestEntry[] = [];
    const buffers: ArrayBuffer[] = [];
    for (const group of manifest) {
      specs.push(...group.weights);
      for (const file of group.paths) buffers.push(await readWeightFile(dir, file));
    }
    return [specs, buffers];
  });
  try {
    return await tfl.loadLayersModel(tf.io.fromMemory(artifacts));
  } catch (error) {
    throw new MlpError('INVALID_ARGUMENT', `The tfjs model at ${dir} could not be loaded: ${(error as Error).message}.`, { cause: error });
  }
}

async function readWeightFile(dir: string, file: string): Promise<ArrayBuffer> {
  const root = path.resolve(dir);
  const full = path.resolve(root, file);
  // A weights path is relative to model.json; one that leaves the folder is refused, not followed.
  if (path.relative(root, full).startsWith('..') || path.isAbsolute(path.relative(root, full)))
    throw new MlpError(
      'INVALID_ARGUMENT',
      `The weights manifest of ${dir} names ${file}, outside the model folder; the model files are not trusted.`,
    );
  const bytes = await readFile(full).catch((error: unknown) => {
    throw new MlpError('NOT_FOUND', `The tfjs model at ${dir} lacks its weights file ${file}: ${(error as Error).message}.`, {
      cause: error,
    });
  });
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}
