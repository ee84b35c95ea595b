import type { PredictionLogEntry } from '@mlp/core';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ModelServer, startModelServer } from './start-model-server.js';
import { getJson, postJson, writeModels } from './test-support/model-files.js';
import { addMulModel, allTypesModel, matMulModel } from './test-support/test-models.js';

// ONNX models mlp did not produce, served over real HTTP: outputs equal onnxruntime's own.
let models: Awaited<ReturnType<typeof writeModels>>;
let server: ModelServer;
const logged: PredictionLogEntry[] = [];

beforeAll(async () => {
  models = await writeModels({ addmul: addMulModel(), dense: matMulModel(), types: allTypesModel() });
  server = await startModelServer({ models: Object.values(models.files), deployment: 'web', onPrediction: (entry) => logged.push(entry) });
});
afterAll(async () => {
  await server?.close();
  await models?.remove();
});

async function direct(file: string, feeds: Record<string, ort.Tensor>) {
  const session = await ort.InferenceSession.create(file);
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

describe('OIP v2 infer', () => {
  it('answers with the outputs onnxruntime gives, for two inputs and two outputs', async () => {
    const a = [1, 2, 3, 4.5, -5, 6];
    const b = [0.1, 0.2, 0.3, 10, 20, 30];
    const answer = await postJson(`${server.url}/v2/models/addmul/infer`, {
      id: 'req-1',
      inputs: [
        { name: 'a', shape: [2, 3], datatype: 'FP32', data: [a.slice(0, 3), a.slice(3)] },
        { name: 'b', shape: [2, 3], datatype: 'FP32', data: b },
      ],
    });
    expect(answer.status).toBe(200);
    const expected = await direct(models.files.addmul as string, {
      a: new ort.Tensor('float32', Float32Array.from(a), [2, 3]),
      b: new ort.Tensor('float32', Float32Array.from(b), [2, 3]),
    });
    expect(answer.body).toEqual({
      model_name: 'addmul',
      model_version: '1',
      id: 'req-1',
      outputs: [
        { name: 'sum', datatype: 'FP32', shape: [2, 3], data: Array.from(expected.sum?.data as Float32Array) },
        { name: 'product', datatype: 'FP32', shape: [2, 3], data: Array.from(expected.product?.data as Float32Array) },
      ],
    });
  });

  it('hands each answered request to the prediction sink after the answer, inputs flattened', async () => {
    const before = logged.length;
    const answer = await postJson(`${server.url}/v2/models/dense/infer`, {
      id: 'logged-1',
      inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', data: [[1, 2, 3, 4]] }],
    });
    while (logged.length === before) await new Promise((resolve) => setImmediate(resolve));
    expect(logged.at(-1)).toMatchObject({
      model: 'dense',
      modelVersion: '1',
      deployment: 'web',
      requestId: 'logged-1',
      kind: 'tensors',
      inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: [1, 2, 3, 4] }],
      outputs: answer.body.outputs,
      at: expect.any(Number),
      latencyMs: expect.any(Number),
    });
  });

  it('returns only the outputs asked for, on the versioned path', async () => {
    const x = [1, 2, 3, 4];
    const answer = await postJson(`${server.url}/v2/models/dense/versions/1/infer`, {
      inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', data: x }],
      outputs: [{ name: 'y' }],
      parameters: { note: 'kept' },
    });
    const expected = await direct(models.files.dense as string, { x: new ort.Tensor('float32', Float32Array.from(x), [1, 4]) });
    expect(answer.body).toMatchObject({
      model_version: '1',
      parameters: { note: 'kept' },
      outputs: [{ name: 'y', datatype: 'FP32', shape: [1, 2], data: Array.from(expected.y?.data as Float32Array) }],
    });
  });

  it('carries every datatype: integers, unsigned, FP16, FP64, BOOL and BYTES', async () => {
    const inputs = [
      { name: 'fp32', datatype: 'FP32', data: [1.5, -2] },
      { name: 'fp64', datatype: 'FP64', data: [1e-300, 0.1] },
      { name: 'fp16', datatype: 'FP16', data: [0.5, -65504] },
      { name: 'i8', datatype: 'INT8', data: [-128, 127] },
      { name: 'i16', datatype: 'INT16', data: [-32768, 32767] },
      { name: 'i32', datatype: 'INT32', data: [-2147483648, 2147483647] },
      { name: 'u8', datatype: 'UINT8', data: [0, 255] },
      { name: 'u16', datatype: 'UINT16', data: [0, 65535] },
      { name: 'u32', datatype: 'UINT32', data: [0, 4294967295] },
      { name: 'u64', datatype: 'UINT64', data: [1, '18446744073709551615'] },
      { name: 'text', datatype: 'BYTES', data: ['héllo', ''] },
      // Integers beyond 2^53 are not exact as JSON numbers: they travel as strings.
      { name: 'i64', datatype: 'INT64', data: [-7, '9007199254740993'] },
      { name: 'flag', datatype: 'BOOL', data: [true, false] },
    ].map((input) => ({ ...input, shape: [2] }));
    const answer = await postJson(`${server.url}/v2/models/types/infer`, { inputs });
    expect(answer.status).toBe(200);
    const byName = Object.fromEntries(
      (answer.body.outputs as { name: string; datatype: string; data: unknown[] }[]).map((o) => [o.name, o]),
    );
    expect(byName.fp32_out?.data).toEqual([1.5, -2]);
    expect(byName.fp64_out?.data).toEqual([1e-300, 0.1]);
    expect(byName.fp16_out).toMatchObject({ datatype: 'FP16', data: [0.5, -65504] });
    expect(byName.i8_out?.data).toEqual([-128, 127]);
    expect(byName.u32_out?.data).toEqual([0, 4294967295]);
    expect(byName.u64_out).toMatchObject({ datatype: 'UINT64', data: [1, '18446744073709551615'] });
    expect(byName.text_out).toMatchObject({ datatype: 'BYTES', data: ['héllo', ''] });
    expect(byName.i64_plus).toMatchObject({ datatype: 'INT64', data: [0, '9007199254741000'] });
    expect(byName.not_flag).toMatchObject({ datatype: 'BOOL', data: [false, true] });
  });

  it('describes each model: inputs and outputs with datatype and shape, -1 where dynamic', async () => {
    const metadata = await getJson(`${server.url}/v2/models/addmul`);
    expect(metadata.body).toMatchObject({
      name: 'addmul',
      versions: ['1'],
      platform: 'onnxruntime_onnx',
      inputs: [
        { name: 'a', datatype: 'FP32', shape: [-1, 3] },
        { name: 'b', datatype: 'FP32', shape: [-1, 3] },
      ],
      outputs: [
        { name: 'sum', datatype: 'FP32', shape: [-1, 3] },
        { name: 'product', datatype: 'FP32', shape: [-1, 3] },
      ],
    });
    expect((await getJson(`${server.url}/v2`)).body).toMatchObject({ name: 'mlp', extensions: ['model_repository', 'binary_tensor_data'] });
    expect((await getJson(`${server.url}/v2/health/live`)).status).toBe(200);
    expect((await getJson(`${server.url}/v2/health/ready`)).status).toBe(200);
    expect((await getJson(`${server.url}/v2/models/dense/ready`)).body).toEqual({ name: 'dense', ready: true });
    expect((await getJson(`${server.url}/v2/models/dense/versions/1/ready`)).status).toBe(200);
  });
});
