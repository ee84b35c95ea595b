import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ModelServer, startModelServer } from './start-model-server.js';
import { postJson, writeModels } from './test-support/model-files.js';
import { allTypesModel } from './test-support/test-models.js';

// The same model in a worker thread (default) and on the HTTP thread (worker: false): equal answers.
let models: Awaited<ReturnType<typeof writeModels>>;
let server: ModelServer;

beforeAll(async () => {
  models = await writeModels({ types: allTypesModel() });
  server = await startModelServer({
    models: [`threaded=${models.files.types}`, { source: models.files.types as string, name: 'inline', worker: false }],
  });
});
afterAll(async () => {
  await server?.close();
  await models?.remove();
});

describe('where a model runs', () => {
  it('answers the same in a worker thread and on the HTTP thread, bad runs included', async () => {
    const inputs = [
      { name: 'fp32', datatype: 'FP32', data: [1.25] },
      { name: 'fp64', datatype: 'FP64', data: [2.5] },
      { name: 'fp16', datatype: 'FP16', data: [3] },
      { name: 'i8', datatype: 'INT8', data: [-4] },
      { name: 'i16', datatype: 'INT16', data: [5] },
      { name: 'i32', datatype: 'INT32', data: [-6] },
      { name: 'u8', datatype: 'UINT8', data: [7] },
      { name: 'u16', datatype: 'UINT16', data: [8] },
      { name: 'u32', datatype: 'UINT32', data: [9] },
      { name: 'u64', datatype: 'UINT64', data: [10] },
      { name: 'text', datatype: 'BYTES', data: ['eleven'] },
      { name: 'i64', datatype: 'INT64', data: [12] },
      { name: 'flag', datatype: 'BOOL', data: [true] },
    ].map((input) => ({ ...input, shape: [1] }));
    const threaded = await postJson(`${server.url}/v2/models/threaded/infer`, { inputs });
    const inline = await postJson(`${server.url}/v2/models/inline/infer`, { inputs });
    expect(threaded.status).toBe(200);
    expect(inline.body.outputs).toEqual(threaded.body.outputs);
    expect((threaded.body.outputs as { name: string; data: unknown[] }[]).find((o) => o.name === 'i64_plus')?.data).toEqual([19]);
  });

  it('frees the worker on unload and starts a new one on load', async () => {
    const model = server.repository.get('threaded');
    await model.unload();
    expect(model.state).toBe('UNAVAILABLE');
    await model.load();
    expect(model.state).toBe('READY');
  });
});
