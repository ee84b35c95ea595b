import { mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRandom } from '../data/seeded-random.js';
import { tableFromRecords } from '../data/table-from-records.js';
import { datePart } from '../features/date-parts.js';
import type { PreprocessorState } from '../features/preprocessor-state.js';
import { loadModel } from '../package/load-model.js';
import { type TrainSpecInput, trainSpecSchema } from '../spec/train-spec.js';
import { trainModel } from '../train-model.js';
import { columnOutputs } from './column-graph.js';
import { columnFeeds } from './column-values.js';
import { datePartGraph } from './date-part-graph.js';
import { OnnxNodes } from './onnx-nodes.js';
import { encodeModel, TensorDataType } from './onnx-proto.js';

const airports = ['SEA', 'SFO', 'LAX', 'ORD', 'JFK', 'ATL', 'BOS'];

/** Flights-like records with missing values in every feature: numbers, categories, dates. */
function flights(rows: number, seed: number): Record<string, unknown>[] {
  const random = createRandom(seed);
  return Array.from({ length: rows }, () => {
    const distance = Math.round(100 + random() * 2500);
    const hour = Math.floor(random() * 24);
    const origin = airports[Math.floor(random() * 6)] as string;
    const time = Date.UTC(
      1998 + Math.floor(random() * 6),
      Math.floor(random() * 12),
      1 + Math.floor(random() * 28),
      hour,
      Math.floor(random() * 60),
    );
    const score = distance / 2600 + (hour >= 17 ? 0.6 : 0) + (origin === 'ORD' ? 0.5 : 0) + (random() - 0.5) * 0.6;
    return {
      distance: random() < 0.05 ? null : distance,
      origin: random() < 0.05 ? null : origin,
      date: random() < 0.05 ? null : new Date(time).toISOString(),
      late: score > 0.9,
      band: score < 0.6 ? 'low' : score < 1.1 ? 'mid' : 'high',
      delay: Math.round(score * 40 - 20),
    };
  });
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'mlp-column-graph-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function trainPackage(name: string, target: string, model: TrainSpecInput['model'], minFrequency = 1): Promise<string> {
  const spec = trainSpecSchema.parse({
    experiment: name,
    data: 'in-memory',
    target,
    features: [
      { name: 'date', type: 'date', parts: ['year', 'month', 'day', 'dayOfWeek', 'dayOfYear', 'hour', 'minute', 'minuteOfDay'] },
      { name: 'distance', type: 'numeric', impute: 'median' },
      { name: 'origin', type: 'categorical', maxCategories: 4, minFrequency },
    ],
    model,
    epochs: 2,
    batchSize: 64,
    backend: 'cpu',
    seed: 5,
  } satisfies TrainSpecInput);
  const packageDir = path.join(dir, name);
  await trainModel(spec, { table: tableFromRecords(flights(600, 1), ['date', 'distance', 'origin', target]), packageDir });
  return packageDir;
}

/** Records the package never saw: unseen airports (BOS, and one outside the 4 kept), and missing values. */
const serving = [
  ...flights(40, 9),
  { distance: 800, origin: 'BOS', date: '2003-12-31T23:59:59.999Z' },
  { distance: null, origin: null, date: null },
  { distance: 0, origin: '', date: '1969-07-20T20:17:40Z' },
  { distance: 12_000, origin: 'ORD', date: '2024-02-29T12:00:00Z' },
];

async function runColumns(packageDir: string, records: Record<string, unknown>[]): Promise<Record<string, Float32Array>> {
  const preprocessing = JSON.parse(await readFile(path.join(packageDir, 'preprocessing.json'), 'utf8')) as {
    features: PreprocessorState;
  };
  const session = await ort.InferenceSession.create(path.join(packageDir, 'model.onnx'), { executionProviders: ['cpu'] });
  try {
    const feeds = Object.fromEntries(
      Object.entries(columnFeeds(records, preprocessing.features.features)).map(([name, values]) => [
        name,
        values instanceof Float64Array
          ? new ort.Tensor('float64', values, [records.length])
          : new ort.Tensor('string', values, [records.length]),
      ]),
    );
    const results = await session.run(feeds);
    return Object.fromEntries(Object.entries(results).map(([name, tensor]) => [name, Float32Array.from(tensor.data as Float32Array)]));
  } finally {
    await session.release();
  }
}

describe('the raw-column ONNX model (model.onnx)', () => {
  it.each([
    ['binary', 'late', { type: 'mlp', hiddenUnits: [8], activation: 'tanh' }],
    ['multiclass', 'band', { type: 'logistic' }],
    ['regression', 'delay', { type: 'mlp', hiddenUnits: [6, 4] }],
    // No airport frequent enough to keep: every value is in the unknown bucket.
    ['binary', 'late', { type: 'logistic' }, 100_000],
  ] as ['binary' | 'multiclass' | 'regression', string, TrainSpecInput['model'], number?][])(
    'serves raw records in onnxruntime as loadModel(...).predict does: %s',
    async (task, target, model, minFrequency = 1) => {
      const packageDir = await trainPackage(`${task}-${minFrequency}`, target, model, minFrequency);
      const loaded = await loadModel(packageDir);
      try {
        expect(loaded.manifest.task).toBe(task);
        const predictions = await loaded.predict(serving);
        const outputs = await runColumns(packageDir, serving);
        const classes = loaded.manifest.classes ?? [];
        const names = columnOutputs({ name: target, column: target, task, classes });
        expect(Object.keys(outputs).sort()).toEqual([...names].sort());
        let maxDifference = 0;
        predictions.forEach((prediction, row) => {
          const expected =
            task === 'regression'
              ? [prediction.prediction as number]
              : (task === 'binary' ? classes.slice(1) : classes).map((value) => prediction.probabilities?.[String(value)] as number);
          names.forEach((name, column) => {
            maxDifference = Math.max(maxDifference, Math.abs((outputs[name]?.[row] as number) - (expected[column] as number)));
          });
        });
        expect(maxDifference).toBeLessThan(1e-5);
      } finally {
        await loaded[Symbol.asyncDispose]();
      }
    },
  );
});

describe('the matrix ONNX model', () => {
  it('is what loadModel(..., { runtime: "onnx" }) runs, also in a package written before model.onnx took raw columns', async () => {
    const packageDir = await trainPackage('matrix', 'late', { type: 'logistic' });
    const current = await loadModel(packageDir, { runtime: 'onnx' });
    expect((await current.verify()).maxAbsDifference).toBeLessThan(1e-5);
    await current.close();
    // The earlier layout: model.onnx was the matrix model, input_example.json the replayable example.
    const manifestFile = path.join(packageDir, 'mlp-model.json');
    const { onnxMatrix, ...manifest } = JSON.parse(await readFile(manifestFile, 'utf8'));
    expect(onnxMatrix).toBe('model-matrix.onnx');
    await writeFile(manifestFile, JSON.stringify(manifest));
    await rename(path.join(packageDir, 'model-matrix.onnx'), path.join(packageDir, 'model.onnx'));
    await rename(path.join(packageDir, 'verify_example.json'), path.join(packageDir, 'input_example.json'));
    const earlier = await loadModel(packageDir, { runtime: 'onnx' });
    expect((await earlier.verify()).maxAbsDifference).toBeLessThan(1e-5);
    await earlier.close();
    // Without the replayable example, the error names the file now expected, whatever MLflow's example holds.
    await writeFile(path.join(packageDir, 'input_example.json'), JSON.stringify({ columns: ['distance'], data: [[1]] }));
    await expect(loadModel(packageDir)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('verify_example.json'),
    });
  });
});

describe('datePartGraph', () => {
  it('computes every UTC part exactly as datePart, around leap days, year ends, 1970 and before', async () => {
    const parts = ['year', 'month', 'day', 'dayOfWeek', 'dayOfYear', 'hour', 'minute', 'minuteOfDay'] as const;
    const nodes = new OnnxNodes('t');
    const part = datePartGraph(nodes, 'x');
    parts.forEach((name) => {
      nodes.op('Identity', [part(name)], [], '', name);
    });
    const vector = (name: string, elemType: number) => ({
      name,
      type: { tensorType: { elemType, shape: { dim: [{ dimParam: 'N' }] } } },
    });
    const model = encodeModel({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 13 }],
      producerName: 'test',
      producerVersion: '0',
      graph: {
        name: 'parts',
        node: nodes.nodes,
        initializer: nodes.initializers,
        input: [vector('x', TensorDataType.DOUBLE)],
        output: parts.map((name) => vector(name, TensorDataType.DOUBLE)),
      },
    });
    const times = [
      0,
      -1,
      -0.5,
      1.7,
      Date.UTC(1969, 11, 31, 23, 59),
      Date.UTC(1900, 1, 28, 5),
      Date.UTC(1900, 2, 1),
      Date.UTC(2000, 1, 29, 13, 7, 1, 999),
      Date.UTC(2023, 11, 31, 22, 47),
      Date.UTC(2024, 11, 31, 23, 59, 59, 999),
      Date.UTC(2100, 2, 1),
      Date.UTC(1600, 0, 1),
    ];
    const random = createRandom(3);
    for (let i = 0; i < 500; i++) times.push(Math.round((random() - 0.3) * 6e12));
    const session = await ort.InferenceSession.create(model, { executionProviders: ['cpu'] });
    try {
      const results = await session.run({ x: new ort.Tensor('float64', Float64Array.from(times), [times.length]) });
      for (const name of parts) {
        const expected = times.map((time) => datePart(new Date(time), name));
        expect(Array.from(results[name]?.data as Float64Array), name).toEqual(expected);
      }
    } finally {
      await session.release();
    }
  });
});
