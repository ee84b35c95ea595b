import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './test-support/test-server.js';

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

  it("refuses filters and orderings outside MLflow's grammar with INVALID_PARAMETER_VALUE", async () => {
    for (const filter of ["params.x = 'a'", "name < 'x'", 'creation_time LIKE 5', "name = 'a' OR name = 'b'", "experiment_id = '1'"]) {
      const refused = await server.post('/api/2.0/mlflow/experiments/search', { filter });
      expect(refused.status, filter).toBe(400);
      expect(refused.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    }
    const order = await server.get('/api/2.0/mlflow/experiments/search', { order_by: 'tags.team ASC' });
    expect(order.status).toBe(400);
    const tooMany = await server.post('/api/2.0/mlflow/experiments/search', { max_results: 50_001 });
    expect(tooMany.body.message).toMatch(/max_results/);
  });

  // Replays SearchExperimentsUtils' grammar: name and tags with = != LIKE ILIKE, times compared, AND.
  it('filters on name, tags and times and orders as MLflow does', async () => {
    const create = async (name: string, tags: { key: string; value: string }[] = []) =>
      (await server.post('/api/2.0/mlflow/experiments/create', { name, tags })).body.experiment_id as string;
    await create('grammar-a', [{ key: 'team', value: 'ml' }]);
    await create('grammar-b', [{ key: 'team', value: 'ML-ops' }]);
    await create('Grammar-c', [{ key: 'team', value: 'data' }]);
    await create('grammar-d');
    type Found = { name: string; experiment_id: string; creation_time: number; last_update_time: number };
    const search = async (body: Record<string, unknown>) => {
      const answer = await server.post('/api/2.0/mlflow/experiments/search', body);
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      return (answer.body.experiments ?? []) as Found[];
    };
    const names = async (filter: string, order_by = ['name ASC']) => (await search({ filter, order_by })).map((e) => e.name);

    expect(await names("name LIKE 'grammar-%'")).toEqual(['grammar-a', 'grammar-b', 'grammar-d']);
    expect(await names("attributes.name ILIKE 'grammar-%'")).toEqual(['Grammar-c', 'grammar-a', 'grammar-b', 'grammar-d']);
    expect(await names("name ILIKE 'grammar-%' AND name != 'grammar-b'")).toEqual(['Grammar-c', 'grammar-a', 'grammar-d']);
    expect(await names("tags.team = 'ml'")).toEqual(['grammar-a']);
    expect(await names("tags.team != 'ml' and name ILIKE 'grammar-%'")).toEqual(['Grammar-c', 'grammar-b']);
    expect(await names("tags.`team` LIKE 'ML%'")).toEqual(['grammar-b']);
    expect(await names("tags.team ILIKE 'ml%' and name like 'grammar%'", ['name DESC'])).toEqual(['grammar-b', 'grammar-a']);

    const all = await search({ filter: "name ILIKE 'grammar-%'" });
    // MLflow's default order: creation_time DESC, then experiment_id ASC.
    const expected = [...all].sort((a, b) => b.creation_time - a.creation_time || Number(a.experiment_id) - Number(b.experiment_id));
    expect(all.map((e) => e.name)).toEqual(expected.map((e) => e.name));
    const byId = await search({ filter: "name ILIKE 'grammar-%'", order_by: ['experiment_id DESC'] });
    expect(byId.map((e) => Number(e.experiment_id))).toEqual(all.map((e) => Number(e.experiment_id)).sort((a, b) => b - a));

    const newest = Math.max(...all.map((e) => e.creation_time));
    expect(await names(`name ILIKE 'grammar-%' and attributes.creation_time > ${newest}`)).toEqual([]);
    expect((await names(`name ILIKE 'grammar-%' and creation_time <= ${newest}`)).length).toBe(4);
    const updated = await search({
      filter: `name ILIKE 'grammar-%' and last_update_time >= 0`,
      order_by: ['last_update_time ASC', 'name'],
    });
    expect(updated.length).toBe(4);
  });

  it('deletes an experiment tag as delete-experiment-tag does in MLflow', async () => {
    const { body } = await server.post('/api/2.0/mlflow/experiments/create', { name: 'tag-delete', tags: [{ key: 'a', value: '1' }] });
    const experiment_id = body.experiment_id as string;
    expect((await server.post('/api/2.0/mlflow/experiments/delete-experiment-tag', { experiment_id, key: 'a' })).body).toEqual({});
    const read = await server.get('/api/2.0/mlflow/experiments/get', { experiment_id });
    expect((read.body.experiment as { tags: unknown[] }).tags).toEqual([]);

    const again = await server.post('/api/2.0/mlflow/experiments/delete-experiment-tag', { experiment_id, key: 'a' });
    expect(again.status).toBe(404);
    expect(again.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');

    await server.post('/api/2.0/mlflow/experiments/set-experiment-tag', { experiment_id, key: 'b', value: '2' });
    await server.post('/api/2.0/mlflow/experiments/delete', { experiment_id });
    for (const [path, request] of [
      ['delete-experiment-tag', { experiment_id, key: 'b' }],
      ['set-experiment-tag', { experiment_id, key: 'c', value: '3' }],
    ] as const) {
      const refused = await server.post(`/api/2.0/mlflow/experiments/${path}`, request);
      expect(refused.status, path).toBe(400);
      expect(refused.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    }
  });

  it('deletes and restores an experiment with its runs, and answers a repeated delete or restore as MLflow does', async () => {
    const { body } = await server.post('/api/2.0/mlflow/experiments/create', { name: 'with-runs' });
    const experiment_id = body.experiment_id as string;
    const runIds: string[] = [];
    for (let i = 0; i < 2; i++) {
      const run = await server.post('/api/2.0/mlflow/runs/create', { experiment_id, start_time: 1 });
      runIds.push((run.body.run as { info: { run_id: string } }).info.run_id);
    }
    await server.post('/api/2.0/mlflow/runs/delete', { run_id: runIds[1] });
    const stages = async () =>
      Promise.all(
        runIds.map(async (run_id) => {
          const run = await server.get('/api/2.0/mlflow/runs/get', { run_id });
          return (run.body.run as { info: { lifecycle_stage: string } }).info.lifecycle_stage;
        }),
      );

    const restoreActive = await server.post('/api/2.0/mlflow/experiments/restore', { experiment_id });
    expect(restoreActive.status).toBe(404);
    expect(restoreActive.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');

    await server.post('/api/2.0/mlflow/experiments/delete', { experiment_id });
    expect(await stages()).toEqual(['deleted', 'deleted']);
    const deleteAgain = await server.post('/api/2.0/mlflow/experiments/delete', { experiment_id });
    expect(deleteAgain.status).toBe(404);
    expect(deleteAgain.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');

    // MLflow's restore_experiment marks every run of the experiment active, including one deleted before.
    expect((await server.post('/api/2.0/mlflow/experiments/restore', { experiment_id })).status).toBe(200);
    expect(await stages()).toEqual(['active', 'active']);
  });

  it('refuses renaming a deleted experiment with INVALID_STATE, as MLflow does', async () => {
    const { body } = await server.post('/api/2.0/mlflow/experiments/create', { name: 'rename-deleted' });
    const experiment_id = body.experiment_id as string;
    await server.post('/api/2.0/mlflow/experiments/delete', { experiment_id });
    const refused = await server.post('/api/2.0/mlflow/experiments/update', { experiment_id, new_name: 'renamed' });
    expect(refused.status).toBe(500);
    expect(refused.body).toMatchObject({ error_code: 'INVALID_STATE', mlp_error_code: 'FAILED_PRECONDITION' });
    const read = await server.get('/api/2.0/mlflow/experiments/get', { experiment_id });
    expect((read.body.experiment as { name: string }).name).toBe('rename-deleted');
  });
});
