import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ModelServer, startModelServer } from './start-model-server.js';
import { getJson, postJson, writeModels } from './test-support/model-files.js';
import { addMulModel, allTypesModel, fixedShapeModel } from './test-support/test-models.js';

// Every way a request can be wrong gets a clear {"error"} naming what to fix; none takes the server down.
let models: Awaited<ReturnType<typeof writeModels>>;
let server: ModelServer;
let broken: string;

beforeAll(async () => {
  models = await writeModels({ addmul: addMulModel(), fixed: fixedShapeModel(), types: allTypesModel() });
  broken = path.join(models.dir, 'broken.onnx');
  await writeFile(broken, 'this is not an onnx model');
  server = await startModelServer({
    models: [...Object.values(models.files), broken, `missing=${path.join(models.dir, 'missing.onnx')}`],
    maxBodyBytes: 4096,
  });
});
afterAll(async () => {
  await server?.close();
  await models?.remove();
});

const infer = (model: string, body: unknown) => postJson(`${server.url}/v2/models/${model}/infer`, body);
const a = (data: unknown, shape = [1, 3], datatype = 'FP32') => ({ name: 'a', shape, datatype, data });
const b = { name: 'b', shape: [1, 3], datatype: 'FP32', data: [1, 2, 3] };

describe('bad input over OIP', () => {
  it('answers 400 naming the input for datatype, shape and size misfits', async () => {
    const cases: [unknown, RegExp][] = [
      [{ inputs: [a([1, 2, 3], [1, 3], 'FP64'), b] }, /Input 'a': datatype is FP64; the model takes FP32/],
      [{ inputs: [a([1, 2, 3, 4], [1, 4]), b] }, /Input 'a': dimension 1 is 4; the model takes 3/],
      [{ inputs: [a([1, 2, 3], [3]), b] }, /Input 'a': shape \[3\] has 1 dimensions; the model takes 2/],
      [{ inputs: [a([1, 2]), b] }, /Input 'a': shape \[1, 3\] holds 3 elements but data has 2/],
      [{ inputs: [a([1, 'x', 3]), b] }, /Input 'a': element 1 is "x", not a number \(FP32\)/],
      [{ inputs: [a([1, 2, 3], [1, -3]), b] }, /Input 'a': shape must be a list of non-negative integers/],
      [{ inputs: [a('nope'), b] }, /Input 'a': data must be an array/],
      [{ inputs: [b] }, /Input 'a' is missing/],
      [{ inputs: [a([1, 2, 3]), b, { ...b, name: 'c' }] }, /Input 'c': the model has no such input; it takes 'a', 'b'/],
      [{ inputs: [a([1, 2, 3]), b, b] }, /Input 'b' is given twice/],
      [{ inputs: [a([1, 2, 3]), b], outputs: [{ name: 'nope' }] }, /Output 'nope': the model has no such output/],
      [{ inputs: [] }, /inputs/],
    ];
    for (const [body, message] of cases) {
      const answer = await infer('addmul', body);
      expect({ status: answer.status, error: answer.body.error }).toEqual({ status: 400, error: expect.stringMatching(message) });
    }
  });

  it('checks integer ranges and fixed dimensions', async () => {
    const fixed = await infer('fixed', { inputs: [{ name: 'm', shape: [3, 2], datatype: 'FP32', data: [1, 2, 3, 4, 5, 6] }] });
    expect(fixed).toMatchObject({ status: 400, body: { error: expect.stringMatching(/Input 'm': dimension 0 is 3; the model takes 2/) } });
    const ok = await infer('fixed', {
      inputs: [
        {
          name: 'm',
          shape: [2, 2],
          datatype: 'FP32',
          data: [
            [1, 2],
            [3, 4],
          ],
        },
      ],
    });
    expect(ok.body.outputs).toEqual([{ name: 't', datatype: 'FP32', shape: [2, 2], data: [1, 3, 2, 4] }]);
    const typed = (name: string, datatype: string, data: unknown[]) =>
      infer('types', { inputs: [{ name, datatype, shape: [data.length], data }] });
    expect((await typed('i8', 'INT8', [128])).body.error).toMatch(/Input 'i8': element 0 \(128\) is out of range for INT8/);
    expect((await typed('u8', 'UINT8', [1.5])).body.error).toMatch(/Input 'u8': element 0 is 1.5, not an integer/);
    expect((await typed('flag', 'BOOL', ['yes'])).body.error).toMatch(/Input 'flag': element 0 is "yes", not a boolean/);
    expect((await typed('text', 'BYTES', [3])).body.error).toMatch(/Input 'text': element 0 is 3, not a string/);
    expect((await typed('fp32', 'FLOAT', [1])).body.error).toMatch(/datatype "FLOAT" is not an OIP datatype/);
  });

  it('answers malformed JSON, a wrong content type and an oversized body clearly', async () => {
    const malformed = await postJson(`${server.url}/v2/models/addmul/infer`, '{"inputs": [');
    expect(malformed).toMatchObject({ status: 400, body: { error: expect.stringMatching(/Malformed JSON/) } });
    const big = await postJson(`${server.url}/v2/models/addmul/infer`, { inputs: [a(Array(5000).fill(1), [1, 5000])] });
    expect(big).toMatchObject({ status: 413, body: { error: expect.stringMatching(/larger than the server's limit of 4096 bytes/) } });
    const text = await fetch(`${server.url}/v2/models/addmul/infer`, {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'text/plain' },
    });
    expect(text.status).toBe(400);
    expect(await text.json()).toEqual({ error: expect.stringMatching(/Content-Type must be application\/json/) });
  });

  it('answers 404 for unknown models, versions and paths', async () => {
    expect(await infer('nope', { inputs: [b] })).toMatchObject({
      status: 404,
      body: { error: expect.stringMatching(/No model named 'nope'/) },
    });
    expect(await getJson(`${server.url}/v2/models/addmul/versions/2`)).toMatchObject({
      status: 404,
      body: { error: expect.stringMatching(/serves version '1'/) },
    });
    expect(await getJson(`${server.url}/v2/nothing`)).toMatchObject({ status: 404, body: { error: expect.any(String) } });
  });

  it('keeps a model that failed to load unready, with the reason in its metadata, and the server up', async () => {
    const metadata = await getJson(`${server.url}/v2/models/broken`);
    expect(metadata).toMatchObject({
      status: 200,
      body: { name: 'broken', state: 'UNAVAILABLE', reason: expect.stringMatching(/onnxruntime cannot open/) },
    });
    expect((await getJson(`${server.url}/v2/models/broken/ready`)).status).toBe(503);
    expect(await infer('broken', { inputs: [b] })).toMatchObject({ status: 503, body: { error: expect.stringMatching(/not ready/) } });
    // The reason names no folder of the server.
    const missing = await getJson(`${server.url}/v2/models/missing`);
    expect(missing.body).toMatchObject({ state: 'UNAVAILABLE', reason: expect.stringMatching(/^No model at <server>\/.*missing\.onnx/) });
    expect(JSON.stringify(missing.body)).not.toContain(models.dir);
    const ready = await getJson(`${server.url}/v2/health/ready`);
    expect(ready).toMatchObject({ status: 503, body: { error: expect.stringMatching(/broken \(UNAVAILABLE\)/) } });
    expect((await getJson(`${server.url}/v2/health/live`)).status).toBe(200);
    expect((await infer('addmul', { inputs: [a([1, 2, 3]), b] })).status).toBe(200);
  });

  it('lists, unloads and loads models through the repository extension', async () => {
    const index = await postJson(`${server.url}/v2/repository/index`, {});
    expect(index.body).toEqual(
      expect.arrayContaining([
        { name: 'addmul', version: '1', state: 'READY', reason: '' },
        { name: 'broken', version: '1', state: 'UNAVAILABLE', reason: expect.stringMatching(/onnxruntime/) },
      ]),
    );
    expect((await postJson(`${server.url}/v2/repository/models/fixed/unload`, {})).status).toBe(200);
    expect(await getJson(`${server.url}/v2/models/fixed/ready`)).toMatchObject({ status: 503 });
    expect(await postJson(`${server.url}/v2/repository/index`, { ready: true })).toMatchObject({
      body: expect.not.arrayContaining([expect.objectContaining({ name: 'fixed' })]),
    });
    expect((await postJson(`${server.url}/v2/repository/models/fixed/load`, {})).status).toBe(200);
    expect(await getJson(`${server.url}/v2/models/fixed/ready`)).toMatchObject({ status: 200 });
    expect(await postJson(`${server.url}/v2/repository/models/broken/load`, {})).toMatchObject({
      status: 400,
      body: { error: expect.stringMatching(/failed to load/) },
    });
    expect(await postJson(`${server.url}/v2/repository/models/ghost/load`, {})).toMatchObject({ status: 404 });
    // Deliberately unloaded models do not hold the server's readiness back.
    for (const name of ['broken', 'missing'])
      expect((await postJson(`${server.url}/v2/repository/models/${name}/unload`, {})).status).toBe(200);
    expect(await getJson(`${server.url}/v2/health/ready`)).toMatchObject({ status: 200, body: { ready: true } });
  });
});
