import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { openTestWorkspace, type TestWorkspace } from '@mlp/core/testing';
import { openRegistry } from '@mlp/registry';
import { loadModel, packModel } from '@mlp/train';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flights, trainFlightsPackage } from '../records/test-support/flights-package.js';
import { type ModelServer, startModelServer } from './start-model-server.js';
import { getJson, postJson } from './test-support/model-files.js';

// Model packages (folder, .mlpkg.tgz, tfjs-only) and registry versions (models:/name@alias), served
// over OIP on a real workspace (PostgreSQL, blob folder); answers compared with onnxruntime and loadModel.
let fx: TestWorkspace;
let packageDir: string;
let server: ModelServer;
const records = flights(6, 11);

/** The OIP inputs of records: one vector per column, dates as epoch ms (FP64), airports as BYTES. */
const columnsOf = (rows: Record<string, unknown>[]) => [
  { name: 'date', datatype: 'FP64', shape: [rows.length], data: rows.map((r) => Date.parse(r.date as string)) },
  { name: 'distance', datatype: 'FP64', shape: [rows.length], data: rows.map((r) => r.distance as number) },
  { name: 'origin', datatype: 'BYTES', shape: [rows.length], data: rows.map((r) => r.origin as string) },
];

beforeAll(async () => {
  fx = await openTestWorkspace('postgres', 'mlp-serve-sources-');
  const dir = fx.workspace.config.dir;
  packageDir = path.join(dir, 'flights-package');
  await trainFlightsPackage(packageDir);
  await packModel(packageDir, path.join(dir, 'flights.mlpkg.tgz'));
  // The same package without its ONNX model: served by tfjs.
  const tfjsDir = path.join(dir, 'tfjs-only');
  await cp(packageDir, tfjsDir, { recursive: true });
  const manifest = JSON.parse(await readFile(path.join(tfjsDir, 'mlp-model.json'), 'utf8'));
  await writeFile(path.join(tfjsDir, 'mlp-model.json'), JSON.stringify({ ...manifest, runtimes: { tfjs: true, onnx: false } }));

  const registry = await openRegistry(fx.workspace, { actor: 'tester' });
  try {
    const version = await registry.registerVersion({ name: 'delays', source: packageDir });
    await registry.setAlias('delays', 'champion', version.version);
  } finally {
    await registry.close();
  }
  server = await startModelServer({
    workspace: fx.workspace,
    models: [packageDir, `archived=${path.join(dir, 'flights.mlpkg.tgz')}`, `tfjs=${tfjsDir}`, 'models:/delays@champion'],
  });
}, 120_000);
afterAll(async () => {
  await server?.close();
  await fx?.cleanup();
});

describe('serving model packages and registry versions', () => {
  it('serves a package folder by its raw-column ONNX model, equal to onnxruntime on model.onnx', async () => {
    const metadata = await getJson(`${server.url}/v2/models/invocations`);
    expect(metadata.body).toMatchObject({
      platform: 'onnxruntime_onnx',
      inputs: [
        { name: 'date', datatype: 'FP64', shape: [-1] },
        { name: 'distance', datatype: 'FP64', shape: [-1] },
        { name: 'origin', datatype: 'BYTES', shape: [-1] },
      ],
    });
    const answer = await postJson(`${server.url}/v2/models/invocations/infer`, { inputs: columnsOf(records) });
    expect(answer.status).toBe(200);
    const session = await ort.InferenceSession.create(path.join(packageDir, 'model.onnx'));
    try {
      const feeds = Object.fromEntries(
        columnsOf(records).map((input) => [
          input.name,
          input.datatype === 'BYTES'
            ? new ort.Tensor('string', input.data as string[], input.shape)
            : new ort.Tensor('float64', Float64Array.from(input.data as number[]), input.shape),
        ]),
      );
      const expected = await session.run(feeds);
      const outputs = answer.body.outputs as { name: string; data: unknown[] }[];
      expect(outputs.map((output) => output.name)).toEqual(session.outputNames);
      for (const output of outputs) {
        const direct = expected[output.name]?.data as ArrayLike<unknown>;
        expect(output.data).toEqual(Array.from(direct, (value) => (typeof value === 'bigint' ? Number(value) : value)));
      }
    } finally {
      await session.release();
    }
  });

  it('serves a .mlpkg.tgz archive and a registry alias the same way', async () => {
    const base = await postJson(`${server.url}/v2/models/invocations/infer`, { inputs: columnsOf(records) });
    const archived = await postJson(`${server.url}/v2/models/archived/infer`, { inputs: columnsOf(records) });
    const champion = await postJson(`${server.url}/v2/models/delays/versions/1/infer`, { inputs: columnsOf(records) });
    expect(archived.body.outputs).toEqual(base.body.outputs);
    expect(champion.body).toMatchObject({ model_name: 'delays', model_version: '1', outputs: base.body.outputs });
  });

  it('serves a package without ONNX through tfjs, equal to loadModel', async () => {
    expect((await getJson(`${server.url}/v2/models/tfjs`)).body).toMatchObject({
      platform: 'tfjs',
      outputs: [{ name: 'outputs', datatype: 'FP32' }],
    });
    const answer = await postJson(`${server.url}/v2/models/tfjs/infer`, { inputs: columnsOf(records) });
    expect(answer.body.error).toBeUndefined();
    const reference = await loadModel(packageDir, { runtime: 'tfjs', backend: 'cpu' });
    try {
      const expected = await reference.predictOutputs(records);
      const [output] = answer.body.outputs as { shape: number[]; data: number[] }[];
      expect(output?.shape).toEqual([records.length, expected.length / records.length]);
      for (const [i, value] of (output?.data ?? []).entries()) expect(value).toBeCloseTo(expected[i] as number, 5);
    } finally {
      await reference.close();
    }
  });

  it('answers MLflow records on /models/{name}/invocations with the package preprocessing', async () => {
    const answer = await postJson(`${server.url}/models/delays/invocations`, {
      dataframe_records: records.map(({ late, ...rest }) => rest),
    });
    expect(answer.status).toBe(200);
    expect(answer.body.predictions).toHaveLength(records.length);
    const bad = await postJson(`${server.url}/models/delays/invocations`, { dataframe_records: [{ distance: 'far' }] });
    expect(bad.status).toBe(400);
    // Scoring requests count in the same series as OIP ones (the deployment analysis reads them).
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toContain('mlp_model_requests_total{model="delays",version="1",status="200"} 2');
    expect(metrics).toContain('mlp_model_requests_total{model="delays",version="1",status="400"} 1');
  });
});
