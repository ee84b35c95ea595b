import type { PredictionLogEntry } from '@mlp/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ModelServer, startModelServer } from './start-model-server.js';
import { writeModels } from './test-support/model-files.js';
import { addMulModel, allTypesModel } from './test-support/test-models.js';

// OIP's binary tensor data extension over real HTTP, against byte layouts built here by hand
// (little-endian, row-major; BYTES as a 4-byte length and the bytes; BOOL one byte) as a Triton or
// KServe client sends them.
let models: Awaited<ReturnType<typeof writeModels>>;
let server: ModelServer;
const logged: PredictionLogEntry[] = [];

beforeAll(async () => {
  models = await writeModels({ addmul: addMulModel(), types: allTypesModel() });
  server = await startModelServer({
    models: Object.values(models.files),
    maxBodyBytes: 4096,
    onPrediction: (entry) => logged.push(entry),
  });
});
afterAll(async () => {
  await server?.close();
  await models?.remove();
});

const f32 = (values: number[]) => {
  const view = new DataView(new ArrayBuffer(values.length * 4));
  for (const [i, value] of values.entries()) view.setFloat32(i * 4, value, true);
  return new Uint8Array(view.buffer);
};
const bytesElements = (values: string[]) => {
  const parts: number[] = [];
  for (const value of values) {
    const text = new TextEncoder().encode(value);
    parts.push(text.length & 0xff, (text.length >> 8) & 0xff, (text.length >> 16) & 0xff, text.length >>> 24, ...text);
  }
  return new Uint8Array(parts);
};

/** POSTs the JSON object followed by `binary`, with Inference-Header-Content-Length. */
async function postBinary(model: string, header: unknown, binary: Uint8Array[], headerLength?: string) {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const body = new Uint8Array(json.length + binary.reduce((sum, part) => sum + part.length, 0));
  body.set(json, 0);
  let offset = json.length;
  for (const part of binary) {
    body.set(part, offset);
    offset += part.length;
  }
  const response = await fetch(`${server.url}/v2/models/${model}/infer`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': headerLength ?? String(json.length) },
    body,
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  const length = response.headers.get('inference-header-content-length');
  const jsonLength = length === null ? bytes.length : Number(length);
  return {
    status: response.status,
    headers: response.headers,
    body: JSON.parse(bytes.subarray(0, jsonLength).toString('utf8')) as Record<string, unknown>,
    binary: bytes.subarray(jsonLength),
  };
}

describe('OIP binary tensor data', () => {
  it('reads binary inputs beside JSON ones and answers outputs as binary or JSON, each as asked', async () => {
    const a = [1, 2, 3, 4.5, -5, 6];
    const b = [0.5, 0.25, 2, 10, 20, 30];
    const answer = await postBinary(
      'addmul',
      {
        id: 'bin-1',
        inputs: [
          { name: 'a', shape: [2, 3], datatype: 'FP32', parameters: { binary_data_size: 24 } },
          { name: 'b', shape: [2, 3], datatype: 'FP32', data: b },
        ],
        outputs: [{ name: 'sum', parameters: { binary_data: true } }, { name: 'product' }],
      },
      [f32(a)],
    );
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/octet-stream');
    expect(answer.body).toEqual({
      model_name: 'addmul',
      model_version: '1',
      id: 'bin-1',
      outputs: [
        { name: 'sum', datatype: 'FP32', shape: [2, 3], parameters: { binary_data_size: 24 } },
        { name: 'product', datatype: 'FP32', shape: [2, 3], data: a.map((x, i) => Math.fround(x * (b[i] as number))) },
      ],
    });
    expect([...answer.binary]).toEqual([...f32(a.map((x, i) => x + (b[i] as number)))]);
    // The prediction log holds the values, whatever way they travelled.
    const entry = logged.find((candidate) => candidate.requestId === 'bin-1');
    expect(entry?.inputs[0]).toEqual({ name: 'a', datatype: 'FP32', shape: [2, 3], data: a });
  });

  it('carries every datatype as binary both ways (binary_data_output)', async () => {
    const values: Record<string, [string, Uint8Array]> = {
      fp32: ['FP32', f32([1.5, -2])],
      fp64: ['FP64', new Uint8Array(new Float64Array([1e-300, 0.1]).buffer)],
      fp16: ['FP16', new Uint8Array([0x00, 0x38, 0xff, 0xfb])], // 0.5 and -65504
      i8: ['INT8', new Uint8Array([0x80, 0x7f])],
      i16: ['INT16', new Uint8Array([0x00, 0x80, 0xff, 0x7f])],
      i32: ['INT32', new Uint8Array([0, 0, 0, 0x80, 0xff, 0xff, 0xff, 0x7f])],
      u8: ['UINT8', new Uint8Array([0, 255])],
      u16: ['UINT16', new Uint8Array([0, 0, 0xff, 0xff])],
      u32: ['UINT32', new Uint8Array([1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff])],
      u64: ['UINT64', new Uint8Array([1, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])],
      text: ['BYTES', bytesElements(['héllo', ''])],
      i64: ['INT64', new Uint8Array([0xf9, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 0, 0, 0, 0, 0, 0x20, 0])], // -7, 2^53 + 1
      flag: ['BOOL', new Uint8Array([1, 0])],
    };
    const names = Object.keys(values);
    const answer = await postBinary(
      'types',
      {
        parameters: { binary_data_output: true },
        inputs: names.map((name) => ({
          name,
          shape: [2],
          datatype: values[name]?.[0],
          parameters: { binary_data_size: values[name]?.[1].length },
        })),
      },
      names.map((name) => values[name]?.[1] as Uint8Array),
    );
    expect(answer.status).toBe(200);
    const outputs = answer.body.outputs as { name: string; datatype: string; parameters: { binary_data_size: number } }[];
    const parts: Record<string, number[]> = {};
    let offset = 0;
    for (const output of outputs) {
      parts[output.name] = [...answer.binary.subarray(offset, offset + output.parameters.binary_data_size)];
      offset += output.parameters.binary_data_size;
    }
    expect(offset).toBe(answer.binary.length);
    for (const name of names.filter((n) => n !== 'i64' && n !== 'flag'))
      expect(parts[`${name}_out`]).toEqual([...(values[name]?.[1] ?? [])]);
    // -7 + 7 = 0 and 2^53 + 1 + 7 = 2^53 + 8, little-endian int64; Not(true, false) = (false, true).
    expect(parts.i64_plus).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0x20, 0]);
    expect(parts.not_flag).toEqual([0, 1]);
  });

  it('refuses byte layouts that disagree with the JSON object, naming the input', async () => {
    const input = (size: number) => ({ inputs: [{ name: 'text', shape: [2], datatype: 'BYTES', parameters: { binary_data_size: size } }] });
    const two = bytesElements(['ab', 'c']);
    const cases: [unknown, Uint8Array[], RegExp, string?][] = [
      // The other inputs of the model are missing too: these fail before that check.
      [input(two.length + 1), [two], /Input 'text'.*past the end/],
      [input(two.length - 1), [two], /Input 'text'.*element 1 declares 1 bytes but only 0 are left|after the JSON object/],
      [input(4), [two], /Input 'text'.*element 0 declares 2 bytes but only 0 are left/],
      [input(two.length), [two, new Uint8Array([9])], /1[0-9] bytes after the JSON object but the inputs' binary_data_size add up to 11/],
      [input(6), [new Uint8Array([2, 0, 0, 0, 0xc3, 0x28])], /Input 'text'.*element 0 is not UTF-8/],
      [
        { inputs: [{ name: 'flag', shape: [2], datatype: 'BOOL', parameters: { binary_data_size: 2 } }] },
        [new Uint8Array([1, 2])],
        /Input 'flag'.*element 1 is the byte 2; BOOL takes 0 or 1/,
      ],
      [
        { inputs: [{ name: 'fp32', shape: [2], datatype: 'FP32', parameters: { binary_data_size: 4 } }] },
        [f32([1])],
        /Input 'fp32'.*binary_data_size is 4 bytes but shape \[2\] of FP32 holds 2 elements of 4 bytes \(8\)/,
      ],
      [
        { inputs: [{ name: 'fp32', shape: [1], datatype: 'FP32', data: [1], parameters: { binary_data_size: 4 } }] },
        [f32([1])],
        /Input 'fp32' has both data and binary_data_size/,
      ],
      [
        { inputs: [{ name: 'fp32', shape: [1], datatype: 'FP64', parameters: { binary_data_size: 8 } }] },
        [new Uint8Array(8)],
        /Input 'fp32': datatype is FP64; the model takes FP32/,
      ],
      [input(two.length), [two], /inference-header-content-length is "9999"/, '9999'],
      [input(two.length), [two], /inference-header-content-length is 0/, '0'],
      [input(two.length), [two], /Malformed JSON in the first 5 bytes/, '5'],
    ];
    for (const [header, binary, message, length] of cases) {
      const answer = await postBinary('types', header, binary, length);
      expect({ status: answer.status, error: answer.body.error }).toEqual({ status: 400, error: expect.stringMatching(message) });
    }
  });

  it('refuses binary_data_size without the header, and a body over the limit (413)', async () => {
    const noHeader = await fetch(`${server.url}/v2/models/addmul/infer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: [{ name: 'a', shape: [1, 3], datatype: 'FP32', parameters: { binary_data_size: 12 } }] }),
    });
    expect(noHeader.status).toBe(400);
    expect(((await noHeader.json()) as { error: string }).error).toMatch(
      /binary_data_size but the request has no inference-header-content-length/,
    );
    const big = await postBinary(
      'addmul',
      { inputs: [{ name: 'a', shape: [1024, 3], datatype: 'FP32', parameters: { binary_data_size: 12_288 } }] },
      [new Uint8Array(12_288)],
    );
    expect(big.status).toBe(413);
    expect(big.body.error).toMatch(/larger than the server's limit of 4096 bytes/);
  });
});
