#!/usr/bin/env node
// Training throughput of @mlp/train in samples per second (training rows × epochs / seconds) per tfjs
// backend (wasm, cpu; tensorflow = tfjs-node, reported unavailable when not installed), for an MLP on
// the flights example (100,000 rows, hidden [32,16] and [64,32], batch 512, dropout 0.1, adam), trained
// by `trainModel` (untracked). Two figures for ours: `fit` (the training loop's own clock: batches and
// the validation loss) and `wall` (the whole trainModel call: preprocessing, per-epoch validation
// metrics, test evaluation, the model package with its ONNX export).
// The peer in the same run, the limit of the backend itself: a bare tfjs loop (`model.trainOnBatch`,
// same layers, optimizer, batch size and epochs) over a random matrix of the same size, without
// shuffling or metrics. ratio = ours / bare loop. Target: samples/s per backend (no fixed number).
//
//   node tools/bench/train-backends.mjs [--rows=100000] [--epochs=3] [--batch=512] [--hidden=32x16,64x32]
//                                       [--backends=wasm,cpu,tensorflow]
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { trainModel } from '@mlp/train';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { flag, flightsSpec, load, readFlights, round, tempFolder } from './lib/flights-training.mjs';

const rows = flag('rows', 100_000);
const epochs = flag('epochs', 3);
const batchSize = flag('batch', 512);
const hiddens = flag('hidden', '32x16,64x32')
  .split(',')
  .map((text) => text.split('x').map(Number));
const backends = flag('backends', 'wasm,cpu,tensorflow').split(',');

const base = await flightsSpec({ rows, epochs, batchSize, earlyStopping: false });
const { table, seconds: readSeconds } = await readFlights(base);
const folder = tempFolder('train-backends');

/** The bare loop: the same model shape on random data, one trainOnBatch per batch, in order. */
async function bareLoop(backend, hidden, trainRows, width) {
  await tf.setBackend(backend);
  await tf.ready();
  const model = tfl.sequential();
  hidden.forEach((units, i) => {
    model.add(tfl.layers.dense({ units, activation: 'relu', ...(i === 0 ? { inputShape: [width] } : {}) }));
    model.add(tfl.layers.dropout({ rate: base.model.dropout }));
  });
  model.add(tfl.layers.dense({ units: 1, activation: 'sigmoid' }));
  model.compile({ optimizer: tf.train.adam(base.optimizer.learningRate), loss: 'binaryCrossentropy' });
  const x = new Float32Array(trainRows * width);
  for (let i = 0; i < x.length; i++) x[i] = Math.random() * 2 - 1;
  const y = new Float32Array(trainRows);
  for (let i = 0; i < y.length; i++) y[i] = Math.random() < 0.2 ? 1 : 0;
  const started = performance.now();
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let start = 0; start < trainRows; start += batchSize) {
      const n = Math.min(batchSize, trainRows - start);
      const xs = tf.tensor2d(x.subarray(start * width, (start + n) * width), [n, width]);
      const ys = tf.tensor2d(y.subarray(start, start + n), [n, 1]);
      await model.trainOnBatch(xs, ys);
      tf.dispose([xs, ys]);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  model.dispose();
  return (trainRows * epochs) / seconds;
}

const results = [];
try {
  for (const backend of backends) {
    for (const hidden of hiddens) {
      const spec = { ...base, backend, model: { ...base.model, hiddenUnits: hidden } };
      const packageDir = path.join(folder.dir, `${backend}-${hidden.join('x')}`);
      const started = performance.now();
      let result;
      try {
        result = await trainModel(spec, { table, packageDir });
      } catch (error) {
        results.push({ backend, hidden: hidden.join('x'), available: false, error: `${error.code ?? ''} ${error.message}`.trim() });
        break; // the other shapes would fail the same way
      }
      const wallSeconds = (performance.now() - started) / 1000;
      const { inputWidth } = JSON.parse(await readFile(path.join(packageDir, 'mlp-model.json'), 'utf8'));
      const samples = result.rows.train * result.epochs;
      const peer = await bareLoop(result.backend, hidden, result.rows.train, inputWidth);
      results.push({
        backend: result.backend,
        hidden: hidden.join('x'),
        available: true,
        trainRows: result.rows.train,
        inputWidth,
        epochs: result.epochs,
        fitSamplesPerSecond: Math.round(result.metrics.samples_per_second),
        wallSamplesPerSecond: Math.round(samples / wallSeconds),
        wallSeconds: round(wallSeconds, 2),
        fitSeconds: round(result.metrics.training_time_s, 2),
        bareLoopSamplesPerSecond: Math.round(peer),
        fitOverBareLoop: round(result.metrics.samples_per_second / peer, 2),
        wallOverBareLoop: round(samples / wallSeconds / peer, 2),
        testAuc: round(result.metrics.test_auc, 4),
        load: load(),
      });
    }
  }
} finally {
  folder.dispose();
}

console.log(
  JSON.stringify(
    {
      benchmark: 'train-backends',
      rows,
      epochs,
      batchSize,
      dropout: base.model.dropout,
      readSeconds: round(readSeconds, 2),
      target: 'samples/s per backend (no fixed number); ratio to the bare tfjs trainOnBatch loop shows our overhead',
      results,
    },
    null,
    2,
  ),
);
