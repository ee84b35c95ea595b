import { createTracking } from '@mlp/tracking';
import { createMlflowRegistryClient } from '@mlp/tracking/mlflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './test-support/test-server.js';

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
    // MLflow answers a missing alias with INVALID_PARAMETER_VALUE, not RESOURCE_DOES_NOT_EXIST.
    await expect(client.getModelVersionByAlias('delays', 'champion')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(client.getRegisteredModel('nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await client.deleteRegisteredModel('delays');
    expect((await client.searchRegisteredModels()).items).toEqual([]);
    await tracking.close();
  });
});

// Registry searches as MLflow's SQL store answers them: tags.* filters, order_by and its defaults,
// and a missing alias as get_model_version_by_alias reports it.
describe('registry search and aliases as MLflow answers them', () => {
  let server: TestServer;
  const auth = { authorization: `Bearer ${token}` };
  const call = async (method: string, path: string, body: Record<string, unknown>) => {
    const response = await fetch(`${server.url}/api/2.0/mlflow/${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...auth },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  beforeAll(async () => {
    server = await startTestServer({ withRegistry: true, tokens: [{ token, scopes: ['read', 'write'] }] });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('filters registered models on tags and orders them by name, timestamp and last_updated_timestamp', async () => {
    for (const [name, team] of [
      ['beta', 'ops'],
      ['alpha', 'ml'],
      ['gamma', 'ML-core'],
      ['delta', undefined],
    ] as const) {
      await server.post('/api/2.0/mlflow/registered-models/create', { name, tags: team ? [{ key: 'team', value: team }] : [] }, auth);
    }
    const names = async (query: Record<string, string | string[]>) => {
      const found = await server.get('/api/2.0/mlflow/registered-models/search', query, auth);
      expect(found.status, JSON.stringify(found.body)).toBe(200);
      return (found.body.registered_models as { name: string }[]).map((model) => model.name);
    };
    expect(await names({})).toEqual(['alpha', 'beta', 'delta', 'gamma']);
    expect(await names({ order_by: 'name DESC' })).toEqual(['gamma', 'delta', 'beta', 'alpha']);
    expect(await names({ filter: "tags.team = 'ml'" })).toEqual(['alpha']);
    expect(await names({ filter: "tags.team != 'ml'" })).toEqual(['beta', 'gamma']);
    expect(await names({ filter: "tags.`team` ILIKE 'ml%' AND name != 'alpha'" })).toEqual(['gamma']);
    expect(await names({ filter: "tags.team LIKE 'ml%'" })).toEqual(['alpha']);

    await server.post('/api/2.0/mlflow/registered-models/set-tag', { name: 'alpha', key: 'touched', value: 'yes' }, auth);
    const patched = await call('PATCH', 'registered-models/update', { name: 'alpha', description: 'now updated last' });
    expect(patched.status).toBe(200);
    const byUpdate = await names({ order_by: ['last_updated_timestamp DESC'] });
    expect(byUpdate[0]).toBe('alpha');
    const byCreation = await server.get('/api/2.0/mlflow/registered-models/search', { order_by: 'timestamp ASC' }, auth);
    const created = (byCreation.body.registered_models as { name: string; creation_timestamp: number }[]).map((model) => [
      model.creation_timestamp,
      model.name,
    ]);
    // Ties on the time are broken by name ASC, as MLflow appends it.
    expect(created).toEqual([...created].sort((a, b) => Number(a[0]) - Number(b[0]) || String(a[1]).localeCompare(String(b[1]))));

    for (const order_by of ['run_id ASC', 'name SIDEWAYS']) {
      const refused = await server.get('/api/2.0/mlflow/registered-models/search', { order_by }, auth);
      expect(refused.status, order_by).toBe(400);
      expect(refused.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    }
    const duplicate = await server.get(
      '/api/2.0/mlflow/registered-models/search',
      { order_by: ['timestamp', 'creation_timestamp DESC'] },
      auth,
    );
    expect(duplicate.body.error_code).toBe('INVALID_PARAMETER_VALUE');
  });

  it('filters model versions on tags and orders them, by default newest change first', async () => {
    const tracking = createTracking(server.workspace, { store: server.tracking, captureProvenance: false, handleSignals: false });
    const runId = await tracking.withRun({ name: 'trained' }, async (run) => {
      await run.logArtifact(new TextEncoder().encode('{"weights":[1]}'), { path: 'model/model.json' });
      return run.runId;
    });
    await tracking.close();
    await server.post('/api/2.0/mlflow/registered-models/create', { name: 'versions' }, auth);
    for (const stage of ['a', 'b', 'c']) {
      const created = await server.post(
        '/api/2.0/mlflow/model-versions/create',
        { name: 'versions', source: `runs:/${runId}/model`, run_id: runId, tags: [{ key: 'stage', value: stage }] },
        auth,
      );
      expect(created.status, JSON.stringify(created.body)).toBe(200);
    }
    await server.post('/api/2.0/mlflow/model-versions/set-tag', { name: 'versions', version: '1', key: 'stage', value: 'z' }, auth);
    const versions = async (query: Record<string, string | string[]>) => {
      const found = await server.get('/api/2.0/mlflow/model-versions/search', { filter: "name = 'versions'", ...query }, auth);
      expect(found.status, JSON.stringify(found.body)).toBe(200);
      return found.body.model_versions as { version: string; last_updated_timestamp: number }[];
    };
    const byDefault = await versions({});
    // last_updated_timestamp DESC, then name ASC, then version_number DESC.
    const expected = [...byDefault].sort(
      (a, b) => b.last_updated_timestamp - a.last_updated_timestamp || Number(b.version) - Number(a.version),
    );
    expect(byDefault.map((v) => v.version)).toEqual(expected.map((v) => v.version));
    expect((await versions({ order_by: 'version_number ASC' })).map((v) => v.version)).toEqual(['1', '2', '3']);
    expect((await versions({ order_by: 'version_number DESC' })).map((v) => v.version)).toEqual(['3', '2', '1']);
    expect((await versions({ filter: "name = 'versions' AND tags.stage = 'z'" })).map((v) => v.version)).toEqual(['1']);
    expect(
      (await versions({ filter: "name = 'versions' AND tags.stage != 'z'", order_by: 'version_number' })).map((v) => v.version),
    ).toEqual(['2', '3']);
    const refused = await server.get('/api/2.0/mlflow/model-versions/search', { order_by: 'timestamp' }, auth);
    expect(refused.body.error_code).toBe('INVALID_PARAMETER_VALUE');
  });

  it('answers a missing alias with INVALID_PARAMETER_VALUE and deletes a missing alias quietly, as MLflow does', async () => {
    await server.post('/api/2.0/mlflow/registered-models/create', { name: 'aliased' }, auth);
    const missing = await server.get('/api/2.0/mlflow/registered-models/alias', { name: 'aliased', alias: 'champion' }, auth);
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE', mlp_error_code: 'INVALID_ARGUMENT' });
    expect(missing.body.message).toMatch(/^Registered model alias champion not found/);
    expect(await call('DELETE', 'registered-models/alias', { name: 'aliased', alias: 'champion' })).toEqual({ status: 200, body: {} });
    const noModel = await call('DELETE', 'registered-models/alias', { name: 'no-such-model', alias: 'champion' });
    expect(noModel.status).toBe(404);
    expect(noModel.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
  });
});
