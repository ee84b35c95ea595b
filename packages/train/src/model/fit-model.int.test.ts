import { MlpError } from '@mlp/core';
import { afterAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend/select-backend.js';
import { type LayersModel, tf } from '../backend/tf.js';
import type { ModelSpec, Task } from '../spec/train-spec.js';
import { buildModel } from './build-model.js';
import { type FitData, type FitOptions, fitModel } from './fit-model.js';
import { predictMatrix } from './predict-matrix.js';

const WIDTH = 4;

/** Rows with a known rule: binary is x0 + x1 > 0, multiclass the quadrant of (x0, x1), regression 2·x0 − x2. */
function dataset(rows: number, task: Task, seed: number): { x: Float32Array; y: Float32Array; rows: number } {
  let state = seed;
  const x = Float32Array.from({ length: rows * WIDTH }, () => {
    state = (state * 48271) % 2147483647;
    return (state / 2147483647) * 2 - 1;
  });
  const y = Float32Array.from({ length: rows }, (_, i) => {
    const [a, b, , c] = [x[i * WIDTH] as number, x[i * WIDTH + 1] as number, 0, x[i * WIDTH + 2] as number];
    if (task === 'binary') return a + b > 0 ? 1 : 0;
    if (task === 'multiclass') return (a > 0 ? 1 : 0) + (b > 0 ? 2 : 0);
    return 2 * a - c;
  });
  return { x, y, rows };
}

function fitData(task: Task, rows = 400): FitData {
  const train = dataset(rows, task, 7);
  return { ...train, width: WIDTH, validation: dataset(100, task, 99) };
}

const classesOf = (task: Task) => (task === 'binary' ? 2 : task === 'multiclass' ? 4 : 1);

function options(task: Task, overrides: Partial<FitOptions> = {}): FitOptions {
  return {
    task,
    classes: classesOf(task),
    epochs: 5,
    batchSize: 32,
    optimizer: { name: 'adam', learningRate: 0.02 },
    earlyStopping: false,
    seed: 5,
    ...overrides,
  };
}

const mlp: ModelSpec = { type: 'mlp', hiddenUnits: [16, 8], activation: 'relu', dropout: 0.2, l2: 0.001 };
const models: LayersModel[] = [];
function model(task: Task, spec: ModelSpec = mlp, seed = 3): LayersModel {
  const built = buildModel(spec, { inputWidth: WIDTH, task, classes: classesOf(task), seed });
  models.push(built);
  return built;
}
const weightsOf = (built: LayersModel) => built.getWeights().map((tensor) => Array.from(tensor.dataSync()));

afterAll(() => {
  for (const built of models) built.dispose();
});

describe('fitModel', () => {
  it.each(['binary', 'multiclass', 'regression'] as const)('learns a %s rule: the losses fall', async (task) => {
    await selectBackend('cpu');
    const built = model(task);
    const dropoutSeed = () => built.layers.filter((layer) => layer.getClassName() === 'Dropout').map((layer) => layer.getConfig().seed);
    const seeds = dropoutSeed();
    const result = await fitModel(built, fitData(task), options(task, { epochs: 8 }));
    // The per-step dropout seeds are undone: the saved config keeps the built one.
    expect(dropoutSeed()).toEqual(seeds);
    expect(result.epochs).toBe(8);
    expect(result.stoppedBy).toBe('epochs');
    expect(result.history.map((entry) => entry.epoch)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const first = result.history[0]!;
    const last = result.history.at(-1)!;
    expect(last.loss).toBeLessThan(first.loss * 0.7);
    expect(last.valLoss).toBeLessThan(first.valLoss! * 0.7);
    expect(result.samplesPerSecond).toBeCloseTo((400 * 8) / result.seconds, 3);
  });

  it.each(['cpu', 'wasm'] as const)('is deterministic on %s: the same seed gives bit-identical weights', async (backend) => {
    await selectBackend(backend);
    const run = async (seed: number) => {
      const built = model('multiclass');
      await fitModel(built, fitData('multiclass'), options('multiclass', { seed, epochs: 3, classWeights: [1, 2, 1, 0.5] }));
      return weightsOf(built);
    };
    const [a, b, c] = [await run(5), await run(5), await run(6)];
    expect(a).toEqual(b);
    // Another seed shuffles (and drops out) differently.
    expect(a).not.toEqual(c);
  });

  it('keeps the tensor count flat across epochs and releases everything it made', async () => {
    await selectBackend('wasm');
    const built = model('binary');
    const before = tf.memory().numTensors;
    const during: number[] = [];
    await fitModel(built, fitData('binary'), {
      ...options('binary', { epochs: 6, earlyStopping: { patience: 10, minDelta: 0, restoreBest: true } }),
      onEpoch: () => {
        during.push(tf.memory().numTensors);
      },
    });
    // From epoch 2 on (the optimizer's slots exist), until the last epoch (where a new best is no longer copied).
    expect(during).toHaveLength(6);
    expect(new Set(during.slice(1, -1)).size).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stops early when the validation loss stops improving, and restores the best weights', async () => {
    await selectBackend('cpu');
    const built = model('binary');
    const atEpoch: number[][][] = [];
    const result = await fitModel(built, fitData('binary'), {
      // A minDelta no epoch can beat: epoch 1 stays the best.
      ...options('binary', { epochs: 10, earlyStopping: { patience: 2, minDelta: 100, restoreBest: true } }),
      onEpoch: () => {
        atEpoch.push(weightsOf(built));
      },
    });
    expect(result).toMatchObject({ epochs: 3, bestEpoch: 1, stoppedBy: 'early-stopping' });
    expect(weightsOf(built)).toEqual(atEpoch[0]);
    expect(weightsOf(built)).not.toEqual(atEpoch[2]);
  });

  it("ends when onEpoch says 'stop'", async () => {
    await selectBackend('cpu');
    const result = await fitModel(model('regression'), fitData('regression'), {
      ...options('regression', { epochs: 10 }),
      onEpoch: async (epoch) => (epoch === 2 ? 'stop' : undefined),
    });
    expect(result).toMatchObject({ epochs: 2, stoppedBy: 'callback' });
  });

  it('weighs classes: a heavier positive class raises the predicted probabilities', async () => {
    await selectBackend('cpu');
    const data = fitData('binary');
    const meanScore = async (classWeights?: number[]) => {
      const built = model('binary', { type: 'logistic', l2: 0 });
      await fitModel(built, data, options('binary', { epochs: 3, ...(classWeights ? { classWeights } : {}) }));
      const scores = predictMatrix(built, data.x, data.rows, WIDTH);
      return scores.reduce((sum, score) => sum + score, 0) / scores.length;
    };
    expect(await meanScore([1, 10])).toBeGreaterThan((await meanScore()) + 0.1);
  });

  it('adds the l2 penalty to the loss', async () => {
    await selectBackend('cpu');
    const lossWith = async (l2: number) =>
      (await fitModel(model('binary', { type: 'logistic', l2 }), fitData('binary'), options('binary', { epochs: 1 }))).history[0]!;
    const [plain, penalised] = [await lossWith(0), await lossWith(1)];
    expect(penalised.loss).toBeGreaterThan(plain.loss + 0.05);
    expect(penalised.valLoss).toBeGreaterThan(plain.valLoss! + 0.05);
  });

  it('fails with FAILED_PRECONDITION when the loss becomes NaN or infinite', async () => {
    await selectBackend('cpu');
    const data = fitData('regression');
    const huge = { ...data, x: data.x.map((value) => value * 1e30) };
    const error = await fitModel(
      model('regression', { type: 'linear', l2: 0 }),
      huge,
      options('regression', { optimizer: { name: 'sgd', learningRate: 1 } }),
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MlpError);
    expect((error as MlpError).code).toBe('FAILED_PRECONDITION');
    expect((error as MlpError).message).toMatch(
      /^The training loss became (NaN|infinite) at epoch 1 \(batch \d+\): lower optimizer\.learningRate/,
    );
  });

  it('is cancelled by its signal with UNAVAILABLE', async () => {
    await selectBackend('cpu');
    const controller = new AbortController();
    const before = tf.memory().numTensors;
    const built = buildModel(mlp, { inputWidth: WIDTH, task: 'binary', classes: 2, seed: 1 });
    const modelTensors = tf.memory().numTensors - before;
    const error = await fitModel(built, fitData('binary'), {
      ...options('binary', { epochs: 5 }),
      signal: controller.signal,
      onEpoch: () => controller.abort(),
    }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'UNAVAILABLE', message: 'training was cancelled' });
    // The optimizer's state went with it.
    expect(tf.memory().numTensors - before).toBe(modelTensors);
    built.dispose();
  });

  it('refuses labels and shapes that do not fit', async () => {
    await selectBackend('cpu');
    const data = fitData('binary');
    const bad = { ...data, y: data.y.map((label, i) => (i === 3 ? 2 : label)) };
    await expect(fitModel(model('binary'), bad, options('binary'))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(fitModel(model('binary'), { ...data, width: 3 }, options('binary'))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(fitModel(model('binary'), data, options('binary', { classWeights: [1] }))).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });
});
