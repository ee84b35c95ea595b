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
