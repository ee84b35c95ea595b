import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ModelServer, startModelServer } from './start-model-server.js';
import { getJson, postJson, writeModels } from './test-support/model-files.js';
import { allTypesModel, batchSumModel, fixedShapeModel, matMulModel } from './test-support/test-models.js';

// Dynamic batching over real HTTP: concurrent requests share one run, and each gets exactly the rows
// onnxruntime gives for its own input.
let models: Awaited<ReturnType<typeof writeModels>>;
let server: ModelServer;
const clients = 12;

beforeAll(async () => {
  models = await writeModels({ dense: matMulModel(), sum: batchSumModel(), fixed: fixedShapeModel(), types: allTypesModel() });
  server = await startModelServer({
    models: [
      // Waits (up to a minute) until all the clients' rows are there: one run, deterministically.
      { source: models.files.dense as string, batching: { maxBatchSize: clients * 2, maxQueueDelayMs: 60_000 } },
      { source: models.files.sum as string, batching: { maxBatchSize: 4, maxQueueDelayMs: 60_000 } },
      models.files.fixed as string,
      // Three requests of 2 rows: one run of 6 once all are there.
      { source: models.files.types as string, batching: { maxBatchSize: 6, maxQueueDelayMs: 60_000 } },
    ],
  });
});
afterAll(async () => {
  await server?.close();
  await models?.remove();
});

const metric = async (name: string) => {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  return text.split('\n').filter((line) => line.startsWith(name));
};

describe('dynamic batching over HTTP', () => {
  it('joins concurrent requests into one run and answers each with its own rows', async () => {
    const inputs = Array.from({ length: clients }, (_, i) => Array.from({ length: 8 }, (_, j) => (i + 1) * 0.5 - j * 0.25));
    const answers = await Promise.all(
      inputs.map((data, i) =>
        postJson(`${server.url}/v2/models/dense/infer`, { id: `r${i}`, inputs: [{ name: 'x', shape: [2, 4], datatype: 'FP32', data }] }),
      ),
    );
    const session = await ort.InferenceSession.create(models.files.dense as string);
    try {
      for (const [i, answer] of answers.entries()) {
        const expected = await session.run({ x: new ort.Tensor('float32', Float32Array.from(inputs[i] as number[]), [2, 4]) });
        expect(answer.body).toMatchObject({
          id: `r${i}`,
          outputs: [{ name: 'y', shape: [2, 2], data: Array.from(expected.y?.data as Float32Array) }],
        });
      }
    } finally {
      await session.release();
    }
    expect(await metric('mlp_model_batch_size_count{model="dense"}')).toEqual(['mlp_model_batch_size_count{model="dense"} 1']);
    expect(await metric('mlp_model_batch_size_sum{model="dense"}')).toEqual([`mlp_model_batch_size_sum{model="dense"} ${clients * 2}`]);
    expect(await metric('mlp_model_requests_total{model="dense"')).toEqual([
      `mlp_model_requests_total{model="dense",version="1",status="200"} ${clients}`,
    ]);
  });

  it('joins strings and 64-bit floats of several requests and gives each its own back', async () => {
    // Strings cross to the model's thread joined with their lengths: multi-byte, astral, empty ones too.
    const texts = [
      ['héllo', ''],
      ['😀 ok', 'a\tb'],
      ['', 'ORD'],
    ];
    const numeric = (i: number) => [
      { name: 'fp32', datatype: 'FP32', data: [i, -i] },
      { name: 'fp64', datatype: 'FP64', data: [i * 1e-300, 0.1 + i] },
      { name: 'fp16', datatype: 'FP16', data: [0.5, i] },
      ...['i8', 'i16', 'i32', 'u8', 'u16', 'u32', 'u64', 'i64'].map((name) => ({
        name,
        datatype: name === 'u64' ? 'UINT64' : name === 'i64' ? 'INT64' : `${name.startsWith('u') ? 'UINT' : 'INT'}${name.slice(1)}`,
        data: [i, i + 1],
      })),
      { name: 'flag', datatype: 'BOOL', data: [i % 2 === 0, true] },
    ];
    const answers = await Promise.all(
      texts.map((text, i) =>
        postJson(`${server.url}/v2/models/types/infer`, {
          inputs: [...numeric(i), { name: 'text', datatype: 'BYTES', data: text }].map((input) => ({ ...input, shape: [2] })),
          outputs: [{ name: 'text_out' }, { name: 'fp64_out' }, { name: 'i64_plus' }],
        }),
      ),
    );
    answers.forEach((answer, i) => {
      expect(answer.status).toBe(200);
      expect(answer.body.outputs).toEqual([
        { name: 'fp64_out', datatype: 'FP64', shape: [2], data: [i * 1e-300, 0.1 + i] },
        { name: 'text_out', datatype: 'BYTES', shape: [2], data: texts[i] },
        { name: 'i64_plus', datatype: 'INT64', shape: [2], data: [i + 7, i + 8] },
      ]);
    });
    expect(await metric('mlp_model_batch_size_count{model="types"}')).toEqual(['mlp_model_batch_size_count{model="types"} 1']);
    expect(await metric('mlp_model_batch_size_sum{model="types"}')).toEqual(['mlp_model_batch_size_sum{model="types"} 6']);
  });

  it('runs requests alone when the outputs do not keep rows apart', async () => {
    const send = (data: number[]) =>
      postJson(`${server.url}/v2/models/sum/infer`, { inputs: [{ name: 'x', shape: [2, 2], datatype: 'FP32', data }] });
    const [first, second] = await Promise.all([send([1, 2, 3, 4]), send([10, 20, 30, 40])]);
    expect(first?.body.outputs).toEqual([{ name: 'total', datatype: 'FP32', shape: [1, 2], data: [4, 6] }]);
    expect(second?.body.outputs).toEqual([{ name: 'total', datatype: 'FP32', shape: [1, 2], data: [40, 60] }]);
  });

  it('does not batch a model whose first dimension is fixed', async () => {
    expect(server.repository.get('fixed').batching).toBe(false);
    expect(server.repository.get('dense').batching).toBe(true);
    const metadata = await getJson(`${server.url}/v2/models/fixed`);
    expect(metadata.body.inputs).toEqual([{ name: 'm', datatype: 'FP32', shape: [2, 2] }]);
  });

  it('exposes the fixed metric names', async () => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    for (const name of [
      'mlp_model_requests_total',
      'mlp_model_request_duration_seconds_bucket',
      'mlp_model_batch_size_bucket',
      'mlp_model_queue_depth',
      'mlp_model_inflight_requests',
      'mlp_prediction_log_dropped_total',
      'process_cpu_user_seconds_total',
    ])
      expect(text).toContain(name);
  });
});
