import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { MlpError } from '@mlp/core';
import type { ModelRunner, OnnxSessionOptions } from './onnx-model.js';
import { openOnnxModel } from './open-onnx-model.js';
import type { HostTensor, TensorSpec } from './tensor-spec.js';

interface ManifestShape {
  runtimes?: { onnx?: boolean; tfjs?: boolean };
  trainer?: string;
}

/**
 * Opens a model package for OIP: its ONNX model on raw columns (preprocessing inside the graph)
 * through onnxruntime when the package has one, else its tfjs model through @mlp/train's loader,
 * taking the same inputs as the ONNX model (one vector per feature: FP64 for numbers and dates as
 * epoch ms, BYTES for categories) and giving `outputs` [N, K].
 */
export async function openPackageModel(dir: string, options: OnnxSessionOptions = {}): Promise<ModelRunner> {
  const manifest = JSON.parse(await readFile(path.join(dir, 'mlp-model.json'), 'utf8')) as ManifestShape;
  if (manifest.runtimes?.onnx && !manifest.trainer) {
    const bytes = await readFile(path.join(dir, 'model.onnx')).catch((error: unknown) => {
      throw new MlpError('INVALID_ARGUMENT', `The model package says it holds an ONNX model but model.onnx is missing: re-package it.`, {
        cause: error,
      });
    });
    return openOnnxModel(bytes, options);
  }
  return openTfjsPackage(dir);
}

async function openTfjsPackage(dir: string): Promise<ModelRunner> {
  const { loadModel } = await import('@mlp/train');
  const model = await loadModel(dir, { runtime: 'tfjs' });
  // The same inputs as the package's raw-column ONNX model: numbers and dates (epoch ms) FP64, categories BYTES.
  const preprocessing = JSON.parse(await readFile(path.join(dir, 'preprocessing.json'), 'utf8')) as {
    features: { features: { name: string; type: string }[] };
  };
  const inputs: TensorSpec[] = preprocessing.features.features.map(({ name, type }) => ({
    name,
    datatype: type === 'categorical' ? 'BYTES' : 'FP64',
    shape: [-1],
    shaped: true,
  }));
  const outputs: TensorSpec[] = [{ name: 'outputs', datatype: 'FP32', shape: [-1, -1], shaped: true }];
  return {
    platform: 'tfjs',
    inputs,
    outputs,
    async run(tensors: readonly HostTensor[]) {
      const rows = tensors[0]?.shape[0] ?? 0;
      const records = Array.from({ length: rows }, () => ({}) as Record<string, unknown>);
      for (const tensor of tensors) {
        const values = tensor.data as ArrayLike<unknown>;
        // NaN is the ONNX model's missing number: a missing value here too.
        for (let row = 0; row < rows; row++) {
          const value = values[row];
          (records[row] as Record<string, unknown>)[tensor.name] = typeof value === 'number' && Number.isNaN(value) ? null : value;
        }
      }
      const scores = rows === 0 ? new Float32Array(0) : await model.predictOutputs(records);
      const width = rows === 0 ? 0 : scores.length / rows;
      return [{ name: 'outputs', datatype: 'FP32', shape: [rows, width], data: scores }];
    },
    close: () => model.close(),
  };
}
