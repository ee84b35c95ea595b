import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MlpError } from '@mlp/core';
import type { PreprocessorState } from '../features/preprocessor-state.js';
import type { TargetState } from '../features/target-encoder.js';
import type { Learner } from '../model/learner.js';
import { trainVersion } from '../version.js';
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
    const manifest: PackageManifest = {
      format: PACKAGE_FORMAT,
      version: PACKAGE_FORMAT_VERSION,
      name: contents.name,
      task: targetState.task,
      target: targetState.name,
      ...(targetState.classes ? { classes: targetState.classes } : {}),
      inputWidth: contents.inputWidth,
      runtimes: { tfjs: !contents.trainer, onnx: !contents.trainer },
      ...(contents.trainer ? { trainer: contents.trainer } : {}),
      modelType: contents.modelType,
      createdAt: new Date().toISOString(),
      mlpVersion: trainVersion(),
    };
    const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
    await Promise.all([
      writeFile(path.join(staging, packageFiles.manifest), json(manifest)),
      writeFile(path.join(staging, packageFiles.preprocessing), json(contents.preprocessing)),
      writeFile(path.join(staging, packageFiles.signature), json(contents.signature)),
      writeFile(path.join(staging, packageFiles.metrics), json(contents.metrics)),
      writeFile(path.join(staging, packageFiles.provenance), json(contents.provenance)),
      writeFile(path.join(staging, packageFiles.inputExample), json(contents.inputExample)),
      writeFile(path.join(staging, packageFiles.mlmodel), mlmodelFile(manifest)),
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

/** MLflow's `MLmodel` with the ONNX flavor, so `mlflow.onnx.load_model` and MLflow's UI read the package. */
function mlmodelFile(manifest: PackageManifest): string {
  return [
    'artifact_path: model',
    'flavors:',
    ...(manifest.runtimes.onnx
      ? ['  onnx:', `    data: ${packageFiles.onnx}`, '    onnx_version: 1.16.0', '    providers: [CPUExecutionProvider]']
      : []),
    '  mlp:',
    `    format: ${manifest.format}`,
    `    format_version: ${manifest.version}`,
    `    task: ${manifest.task}`,
    `mlp_version: ${manifest.mlpVersion}`,
    `utc_time_created: '${manifest.createdAt}'`,
    '',
  ].join('\n');
}
