import { createTracking } from '@mlp/tracking';
import { createMlflowRegistryClient } from '@mlp/tracking/mlflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './testing/test-server.js';

const token = 'registry-token-0123456789';

// MLflow's model-registry routes, mounted on mlp server, in MLflow's request shapes.
describe('model registry routes on mlp server', () => {
  let server: TestServer;
  const auth = { authorization: `Bearer ${token}` };
  beforeAll(async () => {
    server = await startTestServer({ withRegistry: true, tokens: [{ token, scopes: ['read', 'write'] }] });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('creates, reads, updates (PATCH) and lists a registered model', async () => {
    const created = await server.post('/api/2.0/mlflow/registered-models/create', { name: 'churn', description: 'first' }, auth);
    expect(created.status).toBe(200);
    expect(created.body.registered_model).toMatchObject({ name: 'churn', description: 'first' });

    const patched = await fetch(`${server.url}/api/2.0/mlflow/registered-models/update`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', ...auth },
      body: JSON.stringify({ name: 'churn', description: 'second' }),
    });
    expect(patched.status).toBe(200);
    const read = await server.get('/api/2.0/mlflow/registered-models/get', { name: 'churn' }, auth);
    expect(read.body.registered_model).toMatchObject({ name: 'churn', description: 'second' });
    const search = await server.get('/api/2.0/mlflow/registered-models/search', {}, auth);
    expect((search.body.registered_models as { name: string }[]).map((model) => model.name)).toEqual(['churn']);
  });

  it("answers MLflow's error body for an unknown model and a duplicate name", async () => {
    const missing = await server.get('/api/2.0/mlflow/registered-models/get', { name: 'nope' }, auth);
    expect(missing.status).toBe(404);
    expect(missing.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
    const duplicate = await server.post('/api/2.0/mlflow/registered-models/create', { name: 'churn' }, auth);
    expect(duplicate.body.error_code).toBe('RESOURCE_ALREADY_EXISTS');
  });

  it('needs the write scope for registry writes', async () => {
    const anonymous = await server.post('/api/2.0/mlflow/registered-models/create', { name: 'x' });
    expect(anonymous.status).toBe(401);
  });
});

// The registry half of the MLflow client in @mlp/tracking/mlflow, against mlp server.
describe('MLflow registry client against mlp server', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ withRegistry: true, tokens: [{ token, scopes: ['read', 'write'] }] });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('registers a run’s model, moves an alias, resolves it and finds the download location', async () => {
    const tracking = createTracking(server.workspace, { store: server.tracking, captureProvenance: false, handleSignals: false });
    const runId = await tracking.withRun({ name: 'trained' }, async (run) => {
      await run.logArtifact(new TextEncoder().encode('{"weights":[1,2]}'), { path: 'model/model.json' });
      return run.runId;
    });
    const client = createMlflowRegistryClient({ url: server.url, token, retryDelayMs: 10 });

    const model = await client.createRegisteredModel('delays', { description: 'arrival delays', tags: { team: 'ops' } });
    expect(model).toMatchObject({ name: 'delays', description: 'arrival delays', tags: { team: 'ops' }, aliases: {} });
    const version = await client.createModelVersion({ name: 'delays', source: `runs:/${runId}/model`, runId });
    expect(version).toMatchObject({ name: 'delays', version: '1', runId, status: 'READY' });

    await client.setAlias('delays', 'champion', 1);
    expect(await client.getModelVersionByAlias('delays', 'champion')).toMatchObject({ version: '1', aliases: ['champion'] });
    expect((await client.getRegisteredModel('delays')).aliases).toEqual({ champion: '1' });
    expect(await client.getDownloadUri('delays', 1)).toMatch(/^mlflow-artifacts:\//);
    expect((await client.searchModelVersions({ filter: "name = 'delays'" })).items.map((found) => found.version)).toEqual(['1']);
    expect((await client.updateRegisteredModel('delays', 'minutes late')).description).toBe('minutes late');

    await client.deleteAlias('delays', 'champion');
    await expect(client.getModelVersionByAlias('delays', 'champion')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(client.getRegisteredModel('nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await client.deleteRegisteredModel('delays');
    expect((await client.searchRegisteredModels()).items).toEqual([]);
    await tracking.close();
  });
});
