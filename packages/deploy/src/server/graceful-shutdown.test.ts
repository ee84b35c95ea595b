import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startModelServer } from './start-model-server.js';
import { getJson, postJson, writeModels } from './test-support/model-files.js';
import { matMulModel } from './test-support/test-models.js';

let models: Awaited<ReturnType<typeof writeModels>>;

beforeAll(async () => {
  models = await writeModels({ dense: matMulModel() });
});
afterAll(async () => {
  await models?.remove();
});

const until = async (condition: () => boolean) => {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
};

describe('graceful shutdown', () => {
  it('turns not ready on drain while still answering, and close waits for a request in flight', async () => {
    const server = await startModelServer({ models: [models.files.dense as string] });
    try {
      server.drain();
      expect(await getJson(`${server.url}/v2/health/ready`)).toMatchObject({
        status: 503,
        body: { error: expect.stringMatching(/shutting down/) },
      });
      const small = { inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }] };
      expect((await postJson(`${server.url}/v2/models/dense/infer`, small)).status).toBe(200);

      const rows = 50_000;
      const big = postJson(`${server.url}/v2/models/dense/infer`, {
        inputs: [{ name: 'x', shape: [rows, 4], datatype: 'FP32', data: Array.from({ length: rows * 4 }, (_, i) => i % 7) }],
      });
      await until(() => server.inflight > 0);
      await server.close();
      const answer = await big;
      expect(answer.status).toBe(200);
      expect((answer.body.outputs as { shape: number[] }[])[0]?.shape).toEqual([rows, 2]);
      await expect(fetch(`${server.url}/v2/health/live`)).rejects.toThrow();
    } finally {
      await server.close();
    }
  });
});
