import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MlpError } from '@mlp/core';
import type { PreprocessorState } from '../features/preprocessor-state.js';
import type { TargetState } from '../features/target-encoder.js';
import type { Learner } from '../model/learner.js';
import { addColumnInputs } from '../onnx/column-graph.js';
import { trainVersion } from '../version.js';
import { mlflowModelFiles } from './mlflow-model-files.js';
import { type InputExample, PACKAGE_FORMAT, PACKAGE_FORMAT_VERSION, type PackageManifest, packageFiles } from './package-manifest.js';

export interface ModelPackageContents {
  name: string;
  modelType: string;
  /** The trained model; it writes its own files. */
  learner: Pick<Learner, 'save'>;
  /** The trainer plugin's name, for a plugin model. */
  trainer?: string;
  inputWidth: number;
  preprocessing: { features: PreprocessorState; target: TargetState };
  /** JSON Schemas of one input record and one output. */
  signature: { inputs: Record<string, unknown>; outputs: Record<string, unknown> };
  metrics: Record<string, unknown>;
  provenance: Record<string, unknown>;
  inputExample: InputExample;
}

/**
 * Writes a self-contained model package: the tfjs model, its ONNX export, the fitted preprocessing,
 * the signature, metrics and provenance. Built in a sibling temporary folder and renamed into place,
 * so a crash leaves either no package or a whole one. An existing `dir` is an error.
 */
export async function writeModelPackage(dir: string, contents: ModelPackageContents): Promise<PackageManifest> {
  const target = path.resolve(dir);
  const staging = path.join(path.dirname(target), `.${path.basename(target)}.${randomUUID().slice(0, 8)}.tmp`);
  await mkdir(staging, { recursive: true });
  try {
    // A plugin's files go in their own folder; the built-in models write tfjs/ and model.onnx.
    const modelDir = contents.trainer ? path.join(staging, packageFiles.trainer) : staging;
    await mkdir(modelDir, { recursive: true });
    await contents.learner.save(modelDir);
    const targetState = contents.preprocessing.target;
    if (!contents.trainer) {
      // The served ONNX model: the learner's matrix model with the fitted preprocessing in front.
      const matrix = await readFile(path.join(staging, packageFiles.onnxMatrix));
      await writeFile(path.join(staging, packageFiles.onnx), addColumnInputs(matrix, contents.preprocessing.features, targetState));
    }
    const manifest: PackageManifest = {
      format: PACKAGE_FORMAT,
      version: PACKAGE_FORMAT_VERSION,
      name: contents.name,
      task: targetState.task,
      target: targetState.name,
      ...(targetState.classes ? { classes: targetState.classes } : {}),
      inputWidth: contents.inputWidth,
      runtimes: { tfjs: !contents.trainer, onnx: !contents.trainer },
      ...(contents.trainer ? {} : { onnxMatrix: packageFiles.onnxMatrix }),
      ...(contents.trainer ? { trainer: contents.trainer } : {}),
      modelType: contents.modelType,
      createdAt: new Date().toISOString(),
      mlpVersion: trainVersion(),
    };
    const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
    const runId = contents.provenance.runId;
    const mlflow = mlflowModelFiles({
      manifest,
      features: contents.preprocessing.features.features,
      target: targetState,
      ...(typeof runId === 'string' ? { runId } : {}),
      modelUuid: randomUUID().replaceAll('-', ''),
      records: contents.inputExample.records,
    });
    await Promise.all([
      writeFile(path.join(staging, packageFiles.manifest), json(manifest)),
      writeFile(path.join(staging, packageFiles.preprocessing), json(contents.preprocessing)),
      writeFile(path.join(staging, packageFiles.signature), json(contents.signature)),
      writeFile(path.join(staging, packageFiles.metrics), json(contents.metrics)),
      writeFile(path.join(staging, packageFiles.provenance), json(contents.provenance)),
      writeFile(path.join(staging, packageFiles.inputExample), json(contents.inputExample)),
      ...Object.entries(mlflow).map(([name, text]) => writeFile(path.join(staging, name), text)),
    ]);
    await rename(staging, target).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOTEMPTY' || error.code === 'EEXIST')
        throw new MlpError('ALREADY_EXISTS', `${target} already exists; remove it or write the model package elsewhere.`);
      throw error;
    });
    return manifest;
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}
