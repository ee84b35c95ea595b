import { MlpError } from '@mlp/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend/select-backend.js';
import type { LayersModel } from '../backend/tf.js';
import type { ModelSpec } from '../spec/train-spec.js';
import { buildModel, type ModelShape } from './build-model.js';

const binary: ModelShape = { inputWidth: 5, task: 'binary', classes: 2, seed: 1 };

function summary(model: LayersModel) {
  return model.layers.map((layer) => {
    const config = layer.getConfig() as { units?: number; activation?: string; rate?: number };
    return [layer.getClassName(), config.units ?? config.rate, config.activation].filter((part) => part !== undefined);
  });
}

function weights(model: LayersModel): number[][] {
  return model.getWeights().map((tensor) => Array.from(tensor.dataSync()));
}

function caught(run: () => unknown): MlpError {
  try {
    run();
  } catch (error) {
    if (error instanceof MlpError) return error;
    throw error;
  }
  throw new Error('expected an MlpError');
}

describe('buildModel', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });

  it('logistic: one sigmoid unit for binary, k softmax units for multiclass', () => {
    const one = buildModel({ type: 'logistic', l2: 0 }, binary);
    expect(summary(one)).toEqual([['Dense', 1, 'sigmoid']]);
    expect(one.inputs[0]?.shape).toEqual([null, 5]);
    const many = buildModel({ type: 'logistic', l2: 0 }, { ...binary, task: 'multiclass', classes: 4 });
    expect(summary(many)).toEqual([['Dense', 4, 'softmax']]);
    one.dispose();
    many.dispose();
  });

  it('linear: one linear unit, for regression only', () => {
    const model = buildModel({ type: 'linear', l2: 0 }, { ...binary, task: 'regression', classes: 1 });
    expect(summary(model)).toEqual([['Dense', 1, 'linear']]);
    model.dispose();
    expect(caught(() => buildModel({ type: 'linear', l2: 0 }, binary)).code).toBe('INVALID_ARGUMENT');
    expect(caught(() => buildModel({ type: 'logistic', l2: 0 }, { ...binary, task: 'regression', classes: 1 })).message).toMatch(
      /use model type 'linear'/,
    );
  });

  it('mlp: hidden layers from hiddenUnits, dropout layers when dropout > 0, then the output layer', () => {
    const model = buildModel(
      { type: 'mlp', hiddenUnits: [8, 4], activation: 'gelu', dropout: 0.25, l2: 0 },
      { ...binary, task: 'regression', classes: 1 },
    );
    expect(summary(model)).toEqual([
      ['Dense', 8, 'gelu'],
      ['Dropout', 0.25],
      ['Dense', 4, 'gelu'],
      ['Dropout', 0.25],
      ['Dense', 1, 'linear'],
    ]);
    model.dispose();
  });

  it('mlp: per-layer units, activations and dropout from layers', () => {
    const spec: ModelSpec = {
      type: 'mlp',
      layers: [
        { units: 6, activation: 'swish', dropout: 0 },
        { units: 3, activation: 'elu', dropout: 0.5 },
      ],
      activation: 'relu',
      dropout: 0,
      l2: 0,
    };
    const model = buildModel(spec, { ...binary, task: 'multiclass', classes: 3 });
    expect(summary(model)).toEqual([
      ['Dense', 6, 'swish'],
      ['Dense', 3, 'elu'],
      ['Dropout', 0.5],
      ['Dense', 3, 'softmax'],
    ]);
    model.dispose();
  });

  it('is seeded: the same seed builds the same weights, another seed others, and layers differ', () => {
    const spec: ModelSpec = { type: 'mlp', hiddenUnits: [5, 5], activation: 'relu', dropout: 0.1, l2: 0 };
    const [a, b, c] = [1, 1, 2].map((seed) => buildModel(spec, { ...binary, seed }));
    expect(weights(a!)).toEqual(weights(b!));
    expect(weights(a!)).not.toEqual(weights(c!));
    // Kernels of two 5×5 layers are not one repeated pattern.
    expect(weights(a!)[2]).not.toEqual(weights(a!)[0]);
    const dropout = a!.layers.find((layer) => layer.getClassName() === 'Dropout');
    expect((dropout!.getConfig() as { seed?: number }).seed).toBeTypeOf('number');
    for (const model of [a, b, c]) model!.dispose();
  });

  it('adds an l2 kernel regularizer when l2 > 0', () => {
    const withL2 = buildModel({ type: 'mlp', hiddenUnits: [3], activation: 'relu', dropout: 0, l2: 0.01 }, binary);
    const config = withL2.layers[0]!.getConfig() as { kernelRegularizer?: { className: string; config: { l2: number } } | null };
    expect(config.kernelRegularizer?.className).toBe('L1L2');
    expect(config.kernelRegularizer?.config.l2).toBeCloseTo(0.01);
    const without = buildModel({ type: 'logistic', l2: 0 }, binary);
    expect((without.layers[0]!.getConfig() as { kernelRegularizer?: unknown }).kernelRegularizer ?? null).toBeNull();
    withL2.dispose();
    without.dispose();
  });

  it('refuses plugin models, mlps without (or with both kinds of) hidden layers, and shapes that do not fit the task', () => {
    expect(caught(() => buildModel({ type: 'plugin:xgb', depth: 3 }, binary)).message).toMatch(/plugin:xgb is not built in/);
    expect(caught(() => buildModel({ type: 'mlp', activation: 'relu', dropout: 0, l2: 0 }, binary)).message).toMatch(/hiddenUnits/);
    const both: ModelSpec = {
      type: 'mlp',
      hiddenUnits: [2],
      layers: [{ units: 2, activation: 'relu', dropout: 0 }],
      activation: 'relu',
      dropout: 0,
      l2: 0,
    };
    expect(caught(() => buildModel(both, binary)).message).toMatch(/not both/);
    expect(caught(() => buildModel({ type: 'logistic', l2: 0 }, { ...binary, classes: 3 })).code).toBe('INVALID_ARGUMENT');
    expect(caught(() => buildModel({ type: 'logistic', l2: 0 }, { ...binary, inputWidth: 0 })).code).toBe('INVALID_ARGUMENT');
  });
});
