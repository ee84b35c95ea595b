import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ModelServer, startModelServer } from './start-model-server.js';
import { getJson, postJson, writeModels } from './test-support/model-files.js';
import { batchSumModel, fixedShapeModel, matMulModel } from './test-support/test-models.js';

// Dynamic batching over real HTTP: concurrent requests share one run, and each gets exactly the rows
// onnxruntime gives for its own input.
let models: Awaited<ReturnType<typeof writeModels>>;
let server: ModelServer;
const clients = 12;

beforeAll(async () => {
  models = await writeModels({ dense: matMulModel(), sum: batchSumModel(), fixed: fixedShapeModel() });
  server = await startModelServer({
    models: [
      // Waits (up to a minute) until all the clients' rows are there: one run, deterministically.
      { source: models.files.dense as string, batching: { maxBatchSize: clients * 2, maxQueueDelayMs: 60_000 } },
      { source: models.files.sum as string, batching: { maxBatchSize: 4, maxQueueDelayMs: 60_000 } },
      models.files.fixed as string,
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
