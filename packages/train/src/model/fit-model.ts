import { MlpError } from '@mlp/core';
import { type LayersModel, type Scalar, type Tensor, tf } from '../backend/tf.js';
import type { Task } from '../spec/train-spec.js';

export interface FitData {
  /** rows × width features, row-major. */
  x: Float32Array;
  /** 0/1 for binary, the class index for multiclass, the value for regression. */
  y: Float32Array;
  rows: number;
  width: number;
  validation?: { x: Float32Array; y: Float32Array; rows: number };
}

export interface FitOptions {
  task: Task;
  classes: number;
  epochs: number;
  batchSize: number;
  optimizer: { name: 'adam' | 'sgd' | 'rmsprop' | 'adagrad'; learningRate: number };
  /** Watches the validation loss (the training loss when there is no validation split). */
  earlyStopping: false | { patience: number; minDelta: number; restoreBest: boolean };
  /** A loss weight per class index (classification). */
  classWeights?: readonly number[];
  seed: number;
  signal?: AbortSignal;
  /** Called after each epoch (1-based); 'stop' ends the training there. */
  // biome-ignore lint/suspicious/noConfusingVoidType: a callback that returns nothing is the common case.
  onEpoch?: (epoch: number, logs: { loss: number; valLoss?: number }) => void | 'stop' | Promise<void | 'stop'>;
}

export interface FitResult {
  epochs: number;
  /** The epoch with the lowest monitored loss (validation loss, else training loss). */
  bestEpoch: number;
  stoppedBy: 'epochs' | 'early-stopping' | 'callback';
  history: { epoch: number; loss: number; valLoss?: number }[];
  /** Training rows × epochs / seconds. */
  samplesPerSecond: number;
  /** Time spent training and computing the validation loss (not in `onEpoch`). */
  seconds: number;
}

const EPSILON = 1e-7;
const EVAL_CHUNK = 8192;
/** The event loop gets a turn this often, so an abort (or a timer) is seen during a long epoch. */
const YIELD_MS = 100;

/**
 * Trains a built model with our own loop: a seeded shuffle per epoch (model.fit shuffles with
 * Math.random), one optimizer step per mini-batch, per-sample class weights, and seeded dropout masks
 * that change every step. The same seed and data give bit-identical weights on a given backend.
 * Tensors are released every batch, so memory stays flat across epochs.
 */
export async function fitModel(model: LayersModel, data: FitData, options: FitOptions): Promise<FitResult> {
  checkInputs(model, data, options);
  const { rows, width } = data;
  const batchSize = Math.min(options.batchSize, rows);
  const optimizer = createOptimizer(options.optimizer);
  model.compile({ optimizer, loss: lossName(options.task) });
  const variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
  const dropouts = dropoutLayers(model, options.seed);
  const random = seededRandom(options.seed);
  const order = Int32Array.from({ length: rows }, (_, i) => i);
  const batch = { x: new Float32Array(batchSize * width), y: new Float32Array(batchSize), w: new Float32Array(batchSize) };

  const history: FitResult['history'] = [];
  let best: { epoch: number; value: number; weights?: Tensor[] } = { epoch: 0, value: Number.POSITIVE_INFINITY };
  let stoppedBy: FitResult['stoppedBy'] = 'epochs';
  let busyMs = 0;
  let step = 0;
  let lastYield = performance.now();
  try {
    for (let epoch = 1; epoch <= options.epochs; epoch += 1) {
      const epochStart = performance.now();
      shuffle(order, random);
      let lossSum = 0;
      for (let start = 0, b = 1; start < rows; start += batchSize, b += 1) {
        if (performance.now() - lastYield > YIELD_MS) {
          await new Promise((resolve) => setImmediate(resolve));
          lastYield = performance.now();
        }
        throwIfAborted(options.signal);
        const n = Math.min(batchSize, rows - start);
        fillBatch(batch, data, order, start, n, options.classWeights);
        step += 1;
        for (const dropout of dropouts) dropout.layer.seed = dropout.baseSeed + step * 10_007;
        const cost = tf.tidy(() => {
          const x = tf.tensor2d(batch.x.subarray(0, n * width), [n, width]);
          const y = batch.y.subarray(0, n);
          const w = options.classWeights ? batch.w.subarray(0, n) : undefined;
          return optimizer.minimize(() => totalLoss(model, x, y, w, options, true), true, variables) as Scalar;
        });
        const value = cost.dataSync()[0] as number;
        cost.dispose();
        if (!Number.isFinite(value))
          throw new MlpError(
            'FAILED_PRECONDITION',
            `The training loss became ${Number.isNaN(value) ? 'NaN' : 'infinite'} at epoch ${epoch} (batch ${b}): lower optimizer.learningRate, or check the features for extreme values.`,
          );
        lossSum += value * n;
      }
      const logs: { loss: number; valLoss?: number } = { loss: lossSum / rows };
      if (data.validation) logs.valLoss = validationLoss(model, data.validation, width, options);
      history.push({ epoch, ...logs });
      busyMs += performance.now() - epochStart;

      const monitored = logs.valLoss ?? logs.loss;
      const minDelta = options.earlyStopping ? options.earlyStopping.minDelta : 0;
      if (monitored < best.value - minDelta || best.epoch === 0) {
        if (best.weights) tf.dispose(best.weights);
        const keep = options.earlyStopping !== false && options.earlyStopping.restoreBest && epoch < options.epochs;
        best = { epoch, value: monitored, ...(keep ? { weights: model.getWeights().map((tensor) => tf.keep(tensor.clone())) } : {}) };
      }

      const verdict = await options.onEpoch?.(epoch, logs);
      lastYield = performance.now();
      if (verdict === 'stop') {
        stoppedBy = 'callback';
        break;
      }
      if (options.earlyStopping && epoch - best.epoch >= options.earlyStopping.patience && epoch < options.epochs) {
        stoppedBy = 'early-stopping';
        break;
      }
    }
    const last = history.at(-1)?.epoch ?? 0;
    if (options.earlyStopping !== false && options.earlyStopping.restoreBest && best.weights && best.epoch !== last)
      model.setWeights(best.weights);
  } finally {
    if (best.weights) tf.dispose(best.weights);
    for (const dropout of dropouts) dropout.layer.seed = dropout.originalSeed;
    optimizer.dispose();
  }
  const seconds = busyMs / 1000;
  return {
    epochs: history.length,
    bestEpoch: best.epoch,
    stoppedBy,
    history,
    samplesPerSecond: seconds > 0 ? (rows * history.length) / seconds : 0,
    seconds,
  };
}

/** The mean per-sample loss (class-weighted when `w` is given) plus the layers' regularization penalties. */
function totalLoss(
  model: LayersModel,
  x: Tensor,
  y: Float32Array,
  w: Float32Array | undefined,
  options: FitOptions,
  training: boolean,
): Scalar {
  const output = model.apply(x, { training }) as Tensor;
  const perSample = sampleLosses(output, y, options);
  let loss: Scalar = w ? tf.div(tf.sum(tf.mul(perSample, tf.tensor1d(w))), y.length) : tf.mean(perSample);
  for (const penalty of model.calculateLosses()) loss = tf.add(loss, penalty);
  return loss;
}

/** Binary / categorical cross-entropy on probabilities (clipped as Keras does) or the squared error, one per row. */
function sampleLosses(output: Tensor, y: Float32Array, { task, classes }: FitOptions): Tensor {
  const n = y.length;
  if (task === 'regression') return tf.square(tf.sub(tf.reshape(output, [n]), tf.tensor1d(y)));
  const p = tf.clipByValue(output, EPSILON, 1 - EPSILON);
  if (task === 'binary') {
    const target = tf.tensor1d(y);
    const probability = tf.reshape(p, [n]);
    return tf.neg(tf.add(tf.mul(target, tf.log(probability)), tf.mul(tf.sub(1, target), tf.log(tf.sub(1, probability)))));
  }
  const onehot = tf.oneHot(tf.tensor1d(y, 'int32'), classes);
  return tf.neg(tf.sum(tf.mul(onehot, tf.log(p)), 1));
}

/** Unweighted (as Keras does for validation data), in chunks so a large split never makes one huge tensor. */
function validationLoss(model: LayersModel, validation: NonNullable<FitData['validation']>, width: number, options: FitOptions): number {
  let sum = 0;
  for (let start = 0; start < validation.rows; start += EVAL_CHUNK) {
    const n = Math.min(EVAL_CHUNK, validation.rows - start);
    const chunk = tf.tidy(() => {
      const x = tf.tensor2d(validation.x.subarray(start * width, (start + n) * width), [n, width]);
      const output = model.apply(x, { training: false }) as Tensor;
      return tf.sum(sampleLosses(output, validation.y.subarray(start, start + n), options));
    });
    sum += chunk.dataSync()[0] as number;
    chunk.dispose();
  }
  const penalty = tf.tidy(() => model.calculateLosses().reduce<number>((total, loss) => total + (loss.dataSync()[0] as number), 0));
  return sum / validation.rows + penalty;
}

function fillBatch(
  batch: { x: Float32Array; y: Float32Array; w: Float32Array },
  data: FitData,
  order: Int32Array,
  start: number,
  n: number,
  classWeights: readonly number[] | undefined,
): void {
  const { width } = data;
  for (let i = 0; i < n; i += 1) {
    const row = order[start + i] as number;
    batch.x.set(data.x.subarray(row * width, (row + 1) * width), i * width);
    const label = data.y[row] as number;
    batch.y[i] = label;
    if (classWeights) batch.w[i] = classWeights[label] as number;
  }
}

function shuffle(order: Int32Array, random: () => number): void {
  for (let i = order.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    const swap = order[i] as number;
    order[i] = order[j] as number;
    order[j] = swap;
  }
}

interface DropoutHandle {
  /** The layer, seen through its private `seed` field (read by Dropout at call time). */
  readonly layer: { seed: number | undefined };
  readonly originalSeed: number | undefined;
  readonly baseSeed: number;
}

/**
 * tfjs-layers' Dropout reuses its configured seed on every call, which would drop the same units in
 * every batch; without a seed it draws from Math.random. So the loop sets a per-step seed derived
 * from the layer's own (or the run's) seed, and puts the configured one back afterwards.
 */
function dropoutLayers(model: LayersModel, seed: number): DropoutHandle[] {
  return model.layers
    .filter((layer) => layer.getClassName() === 'Dropout')
    .map((layer, i) => {
      const target = layer as unknown as { seed: number | undefined };
      return { layer: target, originalSeed: target.seed, baseSeed: target.seed ?? seed + 1000 + i };
    });
}

/** mulberry32: a small, fast, seeded generator of floats in [0, 1); plenty for shuffling rows. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function createOptimizer({ name, learningRate }: FitOptions['optimizer']): tf.Optimizer {
  switch (name) {
    case 'adam':
      return tf.train.adam(learningRate);
    case 'sgd':
      return tf.train.sgd(learningRate);
    case 'rmsprop':
      return tf.train.rmsprop(learningRate);
    case 'adagrad':
      return tf.train.adagrad(learningRate);
    default:
      throw new MlpError('INVALID_ARGUMENT', `Unknown optimizer '${String(name)}'; use adam, sgd, rmsprop or adagrad.`);
  }
}

function lossName(task: Task): string {
  return task === 'binary' ? 'binaryCrossentropy' : task === 'multiclass' ? 'sparseCategoricalCrossentropy' : 'meanSquaredError';
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new MlpError('UNAVAILABLE', 'training was cancelled', { cause: signal.reason });
}

function checkInputs(model: LayersModel, data: FitData, options: FitOptions): void {
  const invalid = (message: string) => new MlpError('INVALID_ARGUMENT', message);
  const { rows, width } = data;
  if (!Number.isInteger(rows) || rows < 1) throw invalid(`Training needs at least one row, got ${rows}.`);
  if (data.x.length !== rows * width) throw invalid(`x holds ${data.x.length} values, not rows × width = ${rows} × ${width}.`);
  if (data.y.length !== rows) throw invalid(`y holds ${data.y.length} values for ${rows} rows.`);
  const inputWidth = model.inputs[0]?.shape[1];
  if (inputWidth !== width)
    throw invalid(`The model takes ${inputWidth} input columns but the data has ${width}; build it with inputWidth ${width}.`);
  if (data.validation) {
    const v = data.validation;
    if (v.x.length !== v.rows * width || v.y.length !== v.rows)
      throw invalid(`The validation x/y sizes do not match ${v.rows} rows × ${width} columns.`);
  }
  if (!Number.isInteger(options.epochs) || options.epochs < 1) throw invalid(`epochs must be a positive integer, got ${options.epochs}.`);
  if (!Number.isInteger(options.batchSize) || options.batchSize < 1)
    throw invalid(`batchSize must be a positive integer, got ${options.batchSize}.`);
  if (options.task !== 'regression') {
    const labels = [data.y, data.validation?.y ?? new Float32Array(0)];
    for (const y of labels)
      for (const label of y)
        if (!Number.isInteger(label) || label < 0 || label >= options.classes)
          throw invalid(`A class label is ${label}; labels must be class indices 0..${options.classes - 1}.`);
    if (options.classWeights && options.classWeights.length !== options.classes)
      throw invalid(`classWeights has ${options.classWeights.length} weights for ${options.classes} classes.`);
  } else if (options.classWeights) {
    throw invalid('classWeights apply to classification; remove them for a regression target.');
  }
}
