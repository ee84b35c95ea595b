import { MlpError } from '@mlp/core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { selectBackend } from '../backend/select-backend.js';
import type { LayersModel } from '../backend/tf.js';
import { buildModel } from '../model/build-model.js';
import { predictMatrix } from '../model/predict-matrix.js';
import { exportOnnx } from './export-onnx.js';
import { type OnnxRuntime, openOnnxPredictor } from './onnx-predictor.js';

// This file plays a machine without onnxruntime-node: the default import fails as a missing package does.
vi.mock('onnxruntime-node', () => {
  throw Object.assign(new Error("Cannot find package 'onnxruntime-node'"), { code: 'ERR_MODULE_NOT_FOUND' });
});
const realRuntime = () => vi.importActual<OnnxRuntime>('onnxruntime-node');

describe('openOnnxPredictor', () => {
  let model: LayersModel;
  beforeAll(async () => {
    await selectBackend('cpu');
    model = buildModel(
      { type: 'mlp', hiddenUnits: [5], activation: 'tanh', dropout: 0, l2: 0 },
      { inputWidth: 3, task: 'multiclass', classes: 3, seed: 4 },
    );
  });
  afterAll(() => model.dispose());

  it('without onnxruntime-node, says to install it', async () => {
    const error = await openOnnxPredictor(exportOnnx(model)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MlpError);
    expect((error as MlpError).code).toBe('FAILED_PRECONDITION');
    expect((error as MlpError).message).toContain('npm install onnxruntime-node');
  });

  it('scores rows × classes like tfjs, and refuses a mis-sized matrix and use after close', async () => {
    const predictor = await openOnnxPredictor(exportOnnx(model), { loadRuntime: realRuntime, threads: 1 });
    const x = Float32Array.from([0.5, -1, 2, 3, 0, -0.25]);
    const scores = await predictor.predict(x, 2, 3);
    const expected = predictMatrix(model, x, 2, 3);
    expect(scores).toHaveLength(6);
    for (const [i, score] of scores.entries()) expect(score).toBeCloseTo(expected[i] as number, 5);
    expect(await predictor.predict(new Float32Array(0), 0, 3)).toHaveLength(0);
    await expect(predictor.predict(x, 3, 3)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await predictor.close();
    await predictor.close();
    await expect(predictor.predict(x, 2, 3)).rejects.toMatchObject({ code: 'FAILED_PRECONDITION' });
  });

  it('refuses bytes that are not an ONNX model', async () => {
    const error = await openOnnxPredictor(new TextEncoder().encode('not a model'), { loadRuntime: realRuntime }).catch(
      (caught: unknown) => caught,
    );
    expect((error as MlpError).code).toBe('INVALID_ARGUMENT');
  });
});
