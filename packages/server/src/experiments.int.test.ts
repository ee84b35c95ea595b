import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './testing/test-server.js';

// MLflow's experiment endpoints with the request shapes of service.proto.
describe('MLflow experiment routes', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('creates an experiment and reads it by id and by name', async () => {
    const created = await server.post('/api/2.0/mlflow/experiments/create', { name: 'churn', tags: [{ key: 'team', value: 'growth' }] });
    expect(created.status).toBe(200);
    const id = created.body.experiment_id;
    expect(typeof id).toBe('string');

    const byId = await server.get('/api/2.0/mlflow/experiments/get', { experiment_id: id as string });
    expect(byId.status).toBe(200);
    expect(byId.body.experiment).toMatchObject({
      experiment_id: id,
      name: 'churn',
      artifact_location: `mlflow-artifacts:/${id}`,
      lifecycle_stage: 'active',
      tags: [{ key: 'team', value: 'growth' }],
    });
    expect(typeof (byId.body.experiment as { creation_time: unknown }).creation_time).toBe('number');

    const byName = await server.get('/api/2.0/mlflow/experiments/get-by-name', { experiment_name: 'churn' });
    expect((byName.body.experiment as { experiment_id: string }).experiment_id).toBe(id);
  });

  it('answers a missing name with RESOURCE_DOES_NOT_EXIST and a taken one with RESOURCE_ALREADY_EXISTS', async () => {
    const missing = await server.get('/api/2.0/mlflow/experiments/get-by-name', { experiment_name: 'nope' });
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: "Could not find experiment with name 'nope'" });

    await server.post('/api/2.0/mlflow/experiments/create', { name: 'twice' });
    const again = await server.post('/api/2.0/mlflow/experiments/create', { name: 'twice' });
    expect(again.status).toBe(400);
    expect(again.body).toMatchObject({ error_code: 'RESOURCE_ALREADY_EXISTS', mlp_error_code: 'ALREADY_EXISTS' });
  });

  it('renames, tags, deletes and restores, also under /ajax-api', async () => {
    const { body } = await server.post('/api/2.0/mlflow/experiments/create', { name: 'lifecycle' });
    const experiment_id = body.experiment_id as string;
    expect((await server.post('/api/2.0/mlflow/experiments/update', { experiment_id, new_name: 'lifecycle-2' })).body).toEqual({});
    await server.post('/ajax-api/2.0/mlflow/experiments/set-experiment-tag', { experiment_id, key: 'owner', value: 'ana' });
    expect((await server.post('/api/2.0/mlflow/experiments/delete', { experiment_id })).status).toBe(200);

    const deleted = await server.get('/ajax-api/2.0/mlflow/experiments/get', { experiment_id });
    expect(deleted.body.experiment).toMatchObject({
      name: 'lifecycle-2',
      lifecycle_stage: 'deleted',
      tags: [{ key: 'owner', value: 'ana' }],
    });

    const runInDeleted = await server.post('/api/2.0/mlflow/runs/create', { experiment_id, start_time: 1 });
    expect(runInDeleted.status).toBe(400);
    expect(runInDeleted.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE', mlp_error_code: 'FAILED_PRECONDITION' });

    await server.post('/api/2.0/mlflow/experiments/restore', { experiment_id });
    const restored = await server.get('/api/2.0/mlflow/experiments/get', { experiment_id });
    expect((restored.body.experiment as { lifecycle_stage: string }).lifecycle_stage).toBe('active');
  });

  it('searches by GET and POST with view types, name filters and page tokens', async () => {
    for (const name of ['search-a', 'search-b', 'search-c', 'other']) await server.post('/api/2.0/mlflow/experiments/create', { name });
    const gone = await server.post('/api/2.0/mlflow/experiments/create', { name: 'search-gone' });
    await server.post('/api/2.0/mlflow/experiments/delete', { experiment_id: gone.body.experiment_id });

    const names = (body: Record<string, unknown>) =>
      ((body.experiments ?? []) as { name: string }[]).map((experiment) => experiment.name).sort();
    const active = await server.post('/api/2.0/mlflow/experiments/search', { filter: "name ILIKE '%SEARCH-%'", max_results: 10 });
    expect(names(active.body)).toEqual(['search-a', 'search-b', 'search-c']);
    const all = await server.get('/api/2.0/mlflow/experiments/search', { filter: "name ILIKE '%search-%'", view_type: 'ALL' });
    expect(names(all.body)).toEqual(['search-a', 'search-b', 'search-c', 'search-gone']);
    const deletedOnly = await server.get('/api/2.0/mlflow/experiments/search', { view_type: '2' });
    expect(names(deletedOnly.body)).toEqual(['search-gone']);
    const exact = await server.post('/api/2.0/mlflow/experiments/search', { filter: "name = 'search-b'" });
    expect(names(exact.body)).toEqual(['search-b']);

    const first = await server.post('/api/2.0/mlflow/experiments/search', { filter: "name ILIKE '%search-%'", max_results: 2 });
    expect((first.body.experiments as unknown[]).length).toBe(2);
    expect(typeof first.body.next_page_token).toBe('string');
    const second = await server.post('/api/2.0/mlflow/experiments/search', {
      filter: "name ILIKE '%search-%'",
      max_results: 2,
      page_token: first.body.next_page_token,
    });
    expect([...names(first.body), ...names(second.body)].sort()).toEqual(['search-a', 'search-b', 'search-c']);
    expect(second.body.next_page_token).toBeUndefined();
  });

  it("serves MLflow 1.x's experiments/list for older clients", async () => {
    const listed = await server.get('/api/2.0/mlflow/experiments/list', { view_type: 'ALL' });
    expect(listed.status).toBe(200);
    const names = (listed.body.experiments as { name: string }[]).map((experiment) => experiment.name);
    expect(names).toEqual(expect.arrayContaining(['Default', 'churn', 'search-gone']));
  });

  it('refuses filters and orderings it cannot answer exactly', async () => {
    const filter = await server.post('/api/2.0/mlflow/experiments/search', { filter: "tags.team = 'x'" });
    expect(filter.status).toBe(400);
    expect(filter.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    const order = await server.get('/api/2.0/mlflow/experiments/search', { order_by: 'name ASC' });
    expect(order.status).toBe(400);
    const tooMany = await server.post('/api/2.0/mlflow/experiments/search', { max_results: 50_001 });
    expect(tooMany.body.message).toMatch(/max_results/);
  });
});
