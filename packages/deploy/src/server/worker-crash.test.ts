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

/** Polls (each turn of the event loop) until `condition` holds; the test's timeout bounds it. */
const until = async (condition: () => boolean) => {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
};

const small = { inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }] };

describe('a crashed model worker thread', () => {
  it('turns the model not ready with the reason, restarts it with backoff, and gives up past the bound', async () => {
    const server = await startModelServer({
      models: [models.files.dense as string],
      crashRestarts: { maxRestarts: 1, windowMs: 600_000, baseDelayMs: 20, maxDelayMs: 20 },
    });
    try {
      const model = server.repository.get('dense');
      expect((await postJson(`${server.url}/v2/models/dense/infer`, small)).status).toBe(200);

      // First crash: restarted, ready again after warm-up, answering.
      const first = model.runner;
      await first?.terminate?.();
      await until(() => model.restarts === 1 && model.state === 'READY');
      expect(model.runner).not.toBe(first);
      expect((await getJson(`${server.url}/v2/health/ready`)).status).toBe(200);
      expect((await postJson(`${server.url}/v2/models/dense/infer`, small)).status).toBe(200);

      // Second crash within the window: past the bound, it stays unavailable and says why.
      await model.runner?.terminate?.();
      await until(() => model.state === 'UNAVAILABLE' && model.runner === undefined);
      expect(model.restarts).toBe(1);
      const health = await getJson(`${server.url}/v2/health/ready`);
      expect(health.status).toBe(503);
      expect(health.body.error).toMatch(/dense \(UNAVAILABLE\)/);
      const ready = await getJson(`${server.url}/v2/models/dense/ready`);
      expect(ready.status).toBe(503);
      expect(ready.body.error).toMatch(/worker thread exited .*crashed 2 times .*not restarted again: load it by hand/s);
      const refused = await postJson(`${server.url}/v2/models/dense/infer`, small);
      expect(refused.status).toBe(503);
      expect(refused.body.error).toMatch(/not ready/);

      // Loaded by hand: serving again.
      expect((await postJson(`${server.url}/v2/repository/models/dense/load`, {})).status).toBe(200);
      expect(model.state).toBe('READY');
      expect((await postJson(`${server.url}/v2/models/dense/infer`, small)).status).toBe(200);
      expect((await getJson(`${server.url}/v2/health/ready`)).status).toBe(200);
    } finally {
      await server.close();
    }
  }, 120_000);

  it('is not ready, with the crash as the reason, while its restart waits', async () => {
    const server = await startModelServer({
      models: [models.files.dense as string],
      // A restart far away: the state between crash and restart stays put for the assertions.
      crashRestarts: { maxRestarts: 5, windowMs: 600_000, baseDelayMs: 3_600_000, maxDelayMs: 3_600_000 },
    });
    try {
      const model = server.repository.get('dense');
      await model.runner?.terminate?.();
      await until(() => model.state !== 'READY');
      const ready = await getJson(`${server.url}/v2/models/dense/ready`);
      expect(ready.status).toBe(503);
      expect(ready.body.error).toMatch(/worker thread exited .*Restarting it \(restart 1 of at most 5/s);
      expect((await getJson(`${server.url}/v2/health/ready`)).status).toBe(503);
      expect((await postJson(`${server.url}/v2/models/dense/infer`, small)).status).toBe(503);
    } finally {
      await server.close();
    }
  }, 120_000);
});
