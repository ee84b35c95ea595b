import { MlpError } from '@mlp/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend/select-backend.js';
import { type LayersModel, tf, tfl } from '../backend/tf.js';
import { buildModel } from '../model/build-model.js';
import { predictMatrix } from '../model/predict-matrix.js';
import type { Activation, ModelSpec, Task } from '../spec/train-spec.js';
import { exportOnnx } from './export-onnx.js';
import { openOnnxPredictor } from './onnx-predictor.js';
import { ModelProto } from './onnx-proto.js';

const WIDTH = 7;
const ROWS = 64;

function randomMatrix(rows: number, width: number, seed: number): Float32Array {
  let state = seed;
  return Float32Array.from({ length: rows * width }, () => {
    state = (state * 48271) % 2147483647;
    return (state / 2147483647) * 6 - 3;
  });
}

/** A built model whose biases are non-zero too, so the export of every weight is exercised. */
function model(spec: ModelSpec, task: Task, classes: number): LayersModel {
  const built = buildModel(spec, { inputWidth: WIDTH, task, classes, seed: 11 });
  built.setWeights(built.getWeights().map((weight, i) => tf.add(weight, tf.randomUniform(weight.shape, -0.5, 0.5, 'float32', 100 + i))));
  return built;
}

async function maxDifference(built: LayersModel): Promise<number> {
  const x = randomMatrix(ROWS, WIDTH, 5);
  const expected = predictMatrix(built, x, ROWS, WIDTH);
  const predictor = await openOnnxPredictor(exportOnnx(built));
  try {
    const actual = await predictor.predict(x, ROWS, WIDTH);
    expect(actual.length).toBe(expected.length);
    return expected.reduce((max, value, i) => Math.max(max, Math.abs(value - (actual[i] as number))), 0);
  } finally {
    await predictor.close();
    built.dispose();
  }
}

const activations: Activation[] = ['relu', 'elu', 'selu', 'tanh', 'sigmoid', 'linear', 'softplus', 'swish', 'gelu'];

describe('exportOnnx', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });

  it('writes an ONNX ModelProto: ir 8, opset 13, producer mlp, float input [N, width]', () => {
    const built = model({ type: 'logistic', l2: 0 }, 'binary', 2);
    const decoded = ModelProto.toObject(ModelProto.decode(exportOnnx(built, { inputName: 'features', outputName: 'score' })), {
      longs: Number,
    }) as {
      irVersion: number;
      producerName: string;
      opsetImport: { version: number }[];
      graph: { node: { opType: string }[]; initializer: { name: string; dims: number[] }[]; input: unknown[]; output: unknown[] };
    };
    built.dispose();
    expect(decoded.irVersion).toBe(8);
    expect(decoded.producerName).toBe('mlp');
    expect(decoded.opsetImport.map((opset) => opset.version)).toEqual([13]);
    expect(decoded.graph.node.map((node) => node.opType)).toEqual(['Gemm', 'Sigmoid']);
    expect(decoded.graph.initializer.map((tensor) => [tensor.name, tensor.dims])).toEqual([
      ['output/kernel', [WIDTH, 1]],
      ['output/bias', [1]],
    ]);
    expect(decoded.graph.input).toEqual([
      { name: 'features', type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'N' }, { dimValue: WIDTH }] } } } },
    ]);
    expect(decoded.graph.output).toEqual([
      { name: 'score', type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'N' }, { dimValue: 1 }] } } } },
    ]);
  });

  it('matches tfjs for logistic regression, binary and multiclass', async () => {
    expect(await maxDifference(model({ type: 'logistic', l2: 0 }, 'binary', 2))).toBeLessThan(1e-5);
    expect(await maxDifference(model({ type: 'logistic', l2: 0.01 }, 'multiclass', 4))).toBeLessThan(1e-5);
  });

  it('matches tfjs for a linear model', async () => {
    expect(await maxDifference(model({ type: 'linear', l2: 0 }, 'regression', 1))).toBeLessThan(1e-5);
  });

  it.each(activations)('matches tfjs for an MLP with %s hidden layers (and dropout, skipped at inference)', async (activation) => {
    const spec: ModelSpec = { type: 'mlp', hiddenUnits: [16, 8], activation, dropout: 0.3, l2: 0 };
    expect(await maxDifference(model(spec, 'multiclass', 3))).toBeLessThan(1e-5);
  });

  it('matches tfjs for an MLP of mixed layers on a regression target', async () => {
    const spec: ModelSpec = {
      type: 'mlp',
      layers: [
        { units: 12, activation: 'gelu', dropout: 0 },
        { units: 6, activation: 'swish', dropout: 0.1 },
        { units: 4, activation: 'selu', dropout: 0 },
      ],
      activation: 'relu',
      dropout: 0,
      l2: 0,
    };
    expect(await maxDifference(model(spec, 'regression', 1))).toBeLessThan(1e-5);
    expect(await maxDifference(model(spec, 'binary', 2))).toBeLessThan(1e-5);
  });

  it('refuses a layer it cannot export, naming it', () => {
    const custom = tfl.sequential({
      layers: [tfl.layers.dense({ name: 'first', units: 3, inputShape: [WIDTH] }), tfl.layers.batchNormalization({ name: 'norm' })],
    });
    const error = (() => {
      try {
        exportOnnx(custom);
      } catch (caught) {
        return caught;
      }
    })();
    custom.dispose();
    expect(error).toBeInstanceOf(MlpError);
    expect((error as MlpError).code).toBe('FAILED_PRECONDITION');
    expect((error as MlpError).message).toContain('norm (BatchNormalization)');
  });

  it('refuses an activation it cannot export', () => {
    const custom = tfl.sequential({ layers: [tfl.layers.dense({ name: 'capped', units: 3, inputShape: [WIDTH], activation: 'relu6' })] });
    expect(() => exportOnnx(custom)).toThrow(/capped uses the activation 'relu6'/);
    custom.dispose();
  });
});
