import { describe, expect, it } from 'vitest';
import { createPackageRecordsModels } from './package-records-models.js';

// What /invocations answers for a served model it cannot score records with (the model itself is
// loaded in invocations.int.test.ts).

describe('createPackageRecordsModels', () => {
  const models = createPackageRecordsModels();

  it('refuses a model that is not ready, with its reason (503)', async () => {
    await expect(models.get({ name: 'flights', version: '2', state: 'LOADING', packageDir: '/nowhere' })).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringMatching(/Model 'flights' is not ready \(loading\)/),
    });
    await expect(
      models.get({ name: 'flights', version: '2', state: 'UNAVAILABLE', reason: 'unloaded', packageDir: undefined }),
    ).rejects.toMatchObject({ code: 'UNAVAILABLE', message: expect.stringMatching(/\(unloaded\)/) });
  });

  it('sends a bare ONNX model to the OIP route: it takes tensors, not records', async () => {
    await expect(models.get({ name: 'resnet', version: '1', state: 'READY', packageDir: undefined })).rejects.toMatchObject({
      code: 'FAILED_PRECONDITION',
      message: expect.stringMatching(/\/v2\/models\/resnet\/infer/),
    });
  });

  it('closes with nothing loaded', async () => {
    await expect(models.close()).resolves.toBeUndefined();
  });
});
