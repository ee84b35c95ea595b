#!/usr/bin/env node
// Prediction throughput in rows per second of a model package (an MLP [32,16] trained here on the
// flights example, or --package=DIR), served by `loadModel(pkg)` (tfjs, on the wasm backend) and by
// `loadModel(pkg, { runtime: 'onnx' })` (onnxruntime-node), over flights records (a sample other than
// the training one) in batches of 1, 100 and 10,000 rows. Target: the ratio ONNX / tfjs per batch size.
// The peers in the same run, model only, without preprocessing: onnxruntime's `InferenceSession.run`
// and tfjs `model.predict(x, { batchSize: rows })` (one pass; tfjs-layers' default splits into 32-row
// batches) on a float32 matrix of the same shape (rows × the package's input width), so
// the cost of preprocessing records is visible (packagedOverModelOnly). And the raw-column model.onnx
// (preprocessing inside the graph) fed column arrays built from the same records (rawColumnsOverPackagedOnnx).
//
//   node tools/bench/train-predict-onnx.mjs [--records=100000] [--single=5000 (records scored one at a time)]
//                                           [--package=DIR] [--backend=wasm]
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadModel, tableRecords, trainModel } from '@mlp/train';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import * as ort from 'onnxruntime-node';
import { flag, flightsSpec, load, readFlights, round, tempFolder } from './lib/flights-training.mjs';

const recordCount = flag('records', 100_000);
const singleCount = flag('single', 5_000);
const backend = flag('backend', 'wasm');
const batchSizes = [1, 100, 10_000];

const folder = tempFolder('train-predict');
let packageDir = flag('package', '');
const spec = await flightsSpec({ backend, epochs: 2, earlyStopping: false, model: { type: 'mlp', hiddenUnits: [32, 16], dropout: 0.1 } });
if (!packageDir) {
  packageDir = path.join(folder.dir, 'model');
  await trainModel(spec, { packageDir });
}
// Records to score: a differently seeded sample of the same file, as plain objects.
const { table } = await readFlights({ ...spec, rows: recordCount, seed: spec.seed + 1 });
const records = tableRecords(table, { columns: spec.features.map((feature) => feature.name) });
// The matrix ONNX model (model.onnx takes raw columns since packages hold both; older packages only the matrix one).
const { inputWidth, onnxMatrix = 'model.onnx' } = JSON.parse(await readFile(path.join(packageDir, 'mlp-model.json'), 'utf8'));

/** Rows per second of `score(start, n)` over `total` rows in batches of `batch`. */
async function throughput(total, batch, score) {
  await score(0, Math.min(batch, total)); // warm-up
  const started = performance.now();
  for (let start = 0; start < total; start += batch) await score(start, Math.min(batch, total - start));
  return total / ((performance.now() - started) / 1000);
}
const rowsFor = (batch) => (batch === 1 ? Math.min(singleCount, records.length) : records.length);

// Through the package: preprocessing of records, then the model.
const packaged = {};
const agreement = {};
for (const runtime of ['tfjs', 'onnx']) {
  const model = await loadModel(packageDir, { runtime, ...(runtime === 'tfjs' ? { backend } : {}) });
  packaged[runtime] = {};
  for (const batch of batchSizes)
    packaged[runtime][batch] = await throughput(rowsFor(batch), batch, (start, n) => model.predictOutputs(records.slice(start, start + n)));
  agreement[runtime] = await model.predictOutputs(records.slice(0, 1000));
  await model.close();
}
let maxDifference = 0;
for (let i = 0; i < agreement.tfjs.length; i++) maxDifference = Math.max(maxDifference, Math.abs(agreement.tfjs[i] - agreement.onnx[i]));

// Model only: the same shape of float32 matrix straight into each runtime.
const matrix = new Float32Array(records.length * inputWidth);
for (let i = 0; i < matrix.length; i++) matrix[i] = Math.random() * 2 - 1;
const modelJson = JSON.parse(await readFile(path.join(packageDir, 'tfjs', 'model.json'), 'utf8'));
const weights = await readFile(path.join(packageDir, 'tfjs', 'weights.bin'));
const tfModel = await tfl.loadLayersModel(
  tf.io.fromMemory({
    modelTopology: modelJson.modelTopology,
    weightSpecs: modelJson.weightsManifest.flatMap((group) => group.weights),
    weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
  }),
);
const session = await ort.InferenceSession.create(path.join(packageDir, onnxMatrix), { executionProviders: ['cpu'] });
const [inputName] = session.inputNames;
const slice = (start, n) => matrix.subarray(start * inputWidth, (start + n) * inputWidth);
const modelOnly = { tfjs: {}, onnx: {} };
for (const batch of batchSizes) {
  modelOnly.tfjs[batch] = await throughput(rowsFor(batch), batch, async (start, n) => {
    const output = tf.tidy(() => tfModel.predict(tf.tensor2d(slice(start, n), [n, inputWidth]), { batchSize: n }));
    await output.data();
    output.dispose();
  });
  modelOnly.onnx[batch] = await throughput(rowsFor(batch), batch, async (start, n) => {
    const results = await session.run({ [inputName]: new ort.Tensor('float32', slice(start, n), [n, inputWidth]) });
    for (const tensor of Object.values(results)) tensor.dispose();
  });
}
tfModel.dispose();
await session.release();

// The raw-column model (model.onnx, preprocessing inside the graph), fed column arrays built from the records.
const { features } = JSON.parse(await readFile(path.join(packageDir, 'preprocessing.json'), 'utf8')).features;
const columnSession = await ort.InferenceSession.create(path.join(packageDir, 'model.onnx'), { executionProviders: ['cpu'] });
const asNumber = (value, type) =>
  value === null || value === undefined
    ? Number.NaN
    : type === 'date' && typeof value !== 'number'
      ? new Date(value).getTime()
      : Number(value);
const rawColumns = {};
for (const batch of batchSizes) {
  rawColumns[batch] = await throughput(rowsFor(batch), batch, async (start, n) => {
    const slice = records.slice(start, start + n);
    const feeds = {};
    for (const { name, type } of features)
      feeds[name] =
        type === 'categorical'
          ? new ort.Tensor(
              'string',
              slice.map((record) => (record[name] === null || record[name] === undefined ? '' : String(record[name]))),
              [n],
            )
          : new ort.Tensor(
              'float64',
              Float64Array.from(slice, (record) => asNumber(record[name], type)),
              [n],
            );
    const results = await columnSession.run(feeds);
    for (const tensor of Object.values(results)) tensor.dispose();
  });
}
await columnSession.release();
folder.dispose();

const byBatch = batchSizes.map((batch) => ({
  batch,
  rows: rowsFor(batch),
  tfjsRowsPerSecond: Math.round(packaged.tfjs[batch]),
  onnxRowsPerSecond: Math.round(packaged.onnx[batch]),
  onnxOverTfjs: round(packaged.onnx[batch] / packaged.tfjs[batch], 2),
  modelOnlyTfjsRowsPerSecond: Math.round(modelOnly.tfjs[batch]),
  modelOnlyOnnxRowsPerSecond: Math.round(modelOnly.onnx[batch]),
  modelOnlyOnnxOverTfjs: round(modelOnly.onnx[batch] / modelOnly.tfjs[batch], 2),
  // model.onnx on raw columns (preprocessing in the graph), against the package's onnx runtime (preprocessing in JS).
  rawColumnsOnnxRowsPerSecond: Math.round(rawColumns[batch]),
  rawColumnsOverPackagedOnnx: round(rawColumns[batch] / packaged.onnx[batch], 2),
  // Share of the model-only rate that survives preprocessing (1 = preprocessing is free).
  tfjsPackagedOverModelOnly: round(packaged.tfjs[batch] / modelOnly.tfjs[batch], 3),
  onnxPackagedOverModelOnly: round(packaged.onnx[batch] / modelOnly.onnx[batch], 3),
}));

console.log(
  JSON.stringify(
    {
      benchmark: 'train-predict-onnx',
      tfjsBackend: tf.getBackend(),
      records: records.length,
      inputWidth,
      target: 'onnxOverTfjs per batch size (no fixed number)',
      tfjsOnnxMaxAbsDifference: maxDifference,
      byBatch,
      load: load(),
    },
    null,
    2,
  ),
);
