import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './test-support/test-server.js';

type RunJson = {
  info: Record<string, unknown>;
  data: {
    metrics: { key: string; value: unknown; step: number; timestamp: number }[];
    params: unknown[];
    tags: { key: string; value: string }[];
  };
  inputs: { dataset_inputs: unknown[] };
};

// MLflow's run endpoints, driven with the JSON MLflow clients send.
describe('MLflow run routes', () => {
  let server: TestServer;
  let experimentId: string;
  beforeAll(async () => {
    server = await startTestServer();
    experimentId = (await server.post('/api/2.0/mlflow/experiments/create', { name: 'runs' })).body.experiment_id as string;
  });
  afterAll(async () => {
    await server?.stop();
  });

  async function createRun(body: Record<string, unknown> = {}): Promise<RunJson> {
    const created = await server.post('/api/2.0/mlflow/runs/create', {
      experiment_id: experimentId,
      start_time: 1_700_000_000_000,
      ...body,
    });
    expect(created.status).toBe(200);
    return created.body.run as RunJson;
  }

  it('creates a run as MLflow does and reads it back by run_id and run_uuid', async () => {
    const run = await createRun({ run_name: 'x', user_id: 'ana', tags: [{ key: 'a', value: 'b' }] });
    expect(run.info).toMatchObject({
      run_name: 'x',
      experiment_id: experimentId,
      status: 'RUNNING',
      start_time: 1_700_000_000_000,
      lifecycle_stage: 'active',
    });
    expect(run.info.run_uuid).toBe(run.info.run_id);
    expect(run.info.end_time).toBeUndefined();
    expect(run.info.artifact_uri).toBe(`mlflow-artifacts:/${experimentId}/${run.info.run_id}/artifacts`);
    expect(run.data.tags).toEqual(
      expect.arrayContaining([
        { key: 'a', value: 'b' },
        { key: 'mlflow.runName', value: 'x' },
      ]),
    );

    const byUuid = await server.get('/api/2.0/mlflow/runs/get', { run_uuid: run.info.run_id as string });
    expect((byUuid.body.run as RunJson).info.run_id).toBe(run.info.run_id);
  });

  it('nests a run through the mlflow.parentRunId tag', async () => {
    const parent = await createRun({ run_name: 'parent' });
    const child = await createRun({ run_name: 'child', tags: [{ key: 'mlflow.parentRunId', value: parent.info.run_id }] });
    const read = await server.tracking.getRun(child.info.run_id as string);
    expect(read.parentRunId).toBe(parent.info.run_id);
  });

  it('logs metrics, params and tags one at a time, with NaN and Infinity as protobuf spells them', async () => {
    const run = await createRun();
    const run_id = run.info.run_id as string;
    for (const [value, step] of [
      [0.5, 0],
      ['NaN', 1],
      ['Infinity', 2],
      [0.25, 3],
    ] as const) {
      const logged = await server.post('/api/2.0/mlflow/runs/log-metric', { run_id, key: 'loss', value, timestamp: 1000 + step, step });
      expect(logged).toMatchObject({ status: 200, body: {} });
    }
    await server.post('/api/2.0/mlflow/runs/log-metric', { run_uuid: run_id, key: 'acc', value: '0.75', timestamp: '5000' });
    await server.post('/api/2.0/mlflow/runs/log-parameter', { run_id, key: 'lr', value: '0.01' });
    await server.post('/api/2.0/mlflow/runs/set-tag', { run_id, key: 'stage', value: 'dev' });
    await server.post('/api/2.0/mlflow/runs/set-tag', { run_id, key: 'temp', value: '1' });
    await server.post('/api/2.0/mlflow/runs/delete-tag', { run_id, key: 'temp' });

    const read = (await server.get('/api/2.0/mlflow/runs/get', { run_id })).body.run as RunJson;
    expect(read.data.metrics).toEqual(
      expect.arrayContaining([
        { key: 'loss', value: 0.25, timestamp: 1003, step: 3 },
        { key: 'acc', value: 0.75, timestamp: 5000, step: 0 },
      ]),
    );
    expect(read.data.params).toEqual([{ key: 'lr', value: '0.01' }]);
    expect(read.data.tags.find((tag) => tag.key === 'stage')?.value).toBe('dev');
    expect(read.data.tags.find((tag) => tag.key === 'temp')).toBeUndefined();

    const history = await server.get('/api/2.0/mlflow/metrics/get-history', { run_id, metric_key: 'loss' });
    expect((history.body.metrics as { value: unknown }[]).map((point) => point.value)).toEqual([0.5, 'NaN', 'Infinity', 0.25]);
    const paged = await server.get('/api/2.0/mlflow/metrics/get-history', { run_id, metric_key: 'loss', max_results: '3' });
    expect((paged.body.metrics as unknown[]).length).toBe(3);
    const rest = await server.get('/api/2.0/mlflow/metrics/get-history', {
      run_id,
      metric_key: 'loss',
      max_results: '3',
      page_token: paged.body.next_page_token as string,
    });
    expect(rest.body.metrics).toEqual([{ key: 'loss', value: 0.25, timestamp: 1003, step: 3 }]);
  });

  it('updates status, end time and name, and deletes and restores', async () => {
    const run = await createRun();
    const run_id = run.info.run_id as string;
    const updated = await server.post('/api/2.0/mlflow/runs/update', {
      run_id,
      status: 'FINISHED',
      end_time: 1_700_000_100_000,
      run_name: 'renamed',
    });
    expect(updated.body.run_info).toMatchObject({ run_id, status: 'FINISHED', end_time: 1_700_000_100_000, run_name: 'renamed' });
    const byNumber = await server.post('/api/2.0/mlflow/runs/update', { run_uuid: run_id, status: 4 });
    expect((byNumber.body.run_info as { status: string }).status).toBe('FAILED');

    await server.post('/api/2.0/mlflow/runs/delete', { run_id });
    expect(((await server.get('/api/2.0/mlflow/runs/get', { run_id })).body.run as RunJson).info.lifecycle_stage).toBe('deleted');
    const logToDeleted = await server.post('/api/2.0/mlflow/runs/set-tag', { run_id, key: 'k', value: 'v' });
    expect(logToDeleted.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE', mlp_error_code: 'FAILED_PRECONDITION' });
    await server.post('/api/2.0/mlflow/runs/restore', { run_id });
    expect(((await server.get('/api/2.0/mlflow/runs/get', { run_id })).body.run as RunJson).info.lifecycle_stage).toBe('active');
  });

  it('records dataset inputs with their context tag', async () => {
    const run = await createRun();
    const dataset = { name: 'flights', digest: 'abc123', source_type: 'local', source: '{"uri": "data.csv"}', schema: '{}' };
    const logged = await server.post('/api/2.0/mlflow/runs/log-inputs', {
      run_id: run.info.run_id,
      datasets: [{ tags: [{ key: 'mlflow.data.context', value: 'training' }], dataset }],
    });
    expect(logged.status).toBe(200);
    const read = (await server.get('/api/2.0/mlflow/runs/get', { run_id: run.info.run_id as string })).body.run as RunJson;
    expect(read.inputs.dataset_inputs).toEqual([{ tags: [{ key: 'mlflow.data.context', value: 'training' }], dataset }]);
  });

  // MLflow's datasets.name / .digest / .context filters (SearchUtils' dataset comparators).
  it('searches runs by the datasets they logged', async () => {
    const experiment_id = (await server.post('/api/2.0/mlflow/experiments/create', { name: 'by-dataset' })).body.experiment_id as string;
    const logRun = async (name: string, digest: string, context: string) => {
      const created = await server.post('/api/2.0/mlflow/runs/create', { experiment_id, run_name: `${name}-${context}`, start_time: 1 });
      const run_id = (created.body.run as RunJson).info.run_id as string;
      const dataset = { name, digest, source_type: 'local', source: '{}' };
      await server.post('/api/2.0/mlflow/runs/log-inputs', {
        run_id,
        datasets: [{ tags: [{ key: 'mlflow.data.context', value: context }], dataset }],
      });
    };
    await logRun('flights', 'aaa111', 'training');
    await logRun('flights', 'bbb222', 'evaluation');
    await logRun('weather', 'ccc333', 'training');
    const names = async (filter: string) => {
      const found = await server.post('/api/2.0/mlflow/runs/search', {
        experiment_ids: [experiment_id],
        filter,
        order_by: ['attributes.run_name'],
      });
      expect(found.status, JSON.stringify(found.body)).toBe(200);
      return ((found.body.runs ?? []) as RunJson[]).map((run) => run.info.run_name);
    };
    expect(await names("datasets.name = 'flights'")).toEqual(['flights-evaluation', 'flights-training']);
    expect(await names("datasets.digest IN ('aaa111', 'ccc333')")).toEqual(['flights-training', 'weather-training']);
    expect(await names("dataset.context = 'training' and datasets.name != 'flights'")).toEqual(['weather-training']);
    expect(await names("datasets.name LIKE 'fl%' and datasets.context ILIKE 'EVAL%'")).toEqual(['flights-evaluation']);
    // Past three conditions the dataset ones are checked in one subquery: the same answers.
    expect(
      await names("datasets.name LIKE 'fl%' and datasets.context ILIKE 'EVAL%' and datasets.digest != 'zzz' and datasets.name != 'x'"),
    ).toEqual(['flights-evaluation']);
    expect(
      await names("datasets.name = 'flights' and datasets.digest IN ('aaa111') and datasets.context = 'training' and params.p IS NULL"),
    ).toEqual(['flights-training']);
    expect(
      await names("datasets.name = 'flights' and datasets.name = 'weather' and datasets.context = 'training' and params.p IS NULL"),
    ).toEqual([]);
    const ordered = await server.post('/api/2.0/mlflow/runs/search', { experiment_ids: [experiment_id], order_by: ['datasets.name'] });
    expect(ordered.body.error_code).toBe('INVALID_PARAMETER_VALUE');
  });

  it('searches runs with a filter, an order and page tokens', async () => {
    const { body } = await server.post('/api/2.0/mlflow/experiments/create', { name: 'search-runs' });
    const ids: string[] = [];
    for (const [index, rmse] of [0.3, 0.1, 0.2].entries()) {
      const created = await server.post('/api/2.0/mlflow/runs/create', {
        experiment_id: body.experiment_id,
        start_time: 1000 + index,
        run_name: `r${index}`,
      });
      const run_id = ((created.body.run as RunJson).info.run_id as string) ?? '';
      ids.push(run_id);
      await server.post('/api/2.0/mlflow/runs/log-batch', { run_id, metrics: [{ key: 'rmse', value: rmse, timestamp: 1, step: 0 }] });
    }
    const search = (extra: Record<string, unknown>) =>
      server.post('/api/2.0/mlflow/runs/search', { experiment_ids: [body.experiment_id], ...extra });
    const names = (answer: { body: Record<string, unknown> }) => ((answer.body.runs ?? []) as RunJson[]).map((run) => run.info.run_name);

    expect(names(await search({}))).toEqual(['r2', 'r1', 'r0']);
    expect(names(await search({ filter: 'metrics.rmse < 0.25', order_by: ['metrics.rmse ASC'] }))).toEqual(['r1', 'r2']);
    const first = await search({ order_by: ['metrics.rmse DESC'], max_results: 2 });
    expect(names(first)).toEqual(['r0', 'r2']);
    const second = await search({ order_by: ['metrics.rmse DESC'], max_results: 2, page_token: first.body.next_page_token });
    expect(names(second)).toEqual(['r1']);
    await server.post('/api/2.0/mlflow/runs/delete', { run_id: ids[0] });
    expect(names(await search({ run_view_type: 'DELETED_ONLY' }))).toEqual(['r0']);
  });

  // MLflow's LogModel as its rest_store sends it: the MLmodel as JSON text (Model.to_json()).
  it('appends each logged model to the mlflow.log-model.history tag as MLflow writes it', async () => {
    const run = await server.post('/api/2.0/mlflow/runs/create', { experiment_id: experimentId, start_time: 1 });
    const run_id = (run.body.run as RunJson).info.run_id as string;
    const mlmodel = (artifact_path: string, model_uuid: string) => ({
      run_id,
      artifact_path,
      utc_time_created: '2026-12-02 16:00:00.123456',
      flavors: {
        python_function: { loader_module: 'mlflow.sklearn', model_path: 'model.pkl', config: { big: true } },
        sklearn: { pickled_model: 'model.pkl', sklearn_version: '1.5.0' },
      },
      model_uuid,
      mlflow_version: '3.1.0',
      signature: { inputs: '[{"type": "double"}]' },
    });
    for (const [path, uuid] of [
      ['model', 'a1'],
      ['modèle', 'b2'],
    ] as const) {
      const logged = await server.post('/api/2.0/mlflow/runs/log-model', { run_id, model_json: JSON.stringify(mlmodel(path, uuid)) });
      expect(logged).toMatchObject({ status: 200, body: {} });
    }
    const read = await server.get('/api/2.0/mlflow/runs/get', { run_id });
    const history = (read.body.run as RunJson).data.tags.find((tag) => tag.key === 'mlflow.log-model.history')?.value;
    // json.dumps of get_tags_dict(), appended: Python's separators and ASCII escapes, without config or signature.
    const entry = (path: string, uuid: string) =>
      `{"run_id": "${run_id}", "artifact_path": "${path}", "utc_time_created": "2026-12-02 16:00:00.123456", "model_uuid": "${uuid}", ` +
      `"flavors": {"python_function": {"loader_module": "mlflow.sklearn", "model_path": "model.pkl"}, "sklearn": {"pickled_model": "model.pkl", "sklearn_version": "1.5.0"}}}`;
    expect(history).toBe(`[${entry('model', 'a1')}, ${entry('mod\\u00e8le', 'b2')}]`);

    const missing = await server.post('/api/2.0/mlflow/runs/log-model', { run_id, model_json: JSON.stringify({ run_id, flavors: {} }) });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
    expect(missing.body.message).toMatch(/^Model json is missing mandatory fields: \{'artifact_path', 'utc_time_created'\}/);
    const malformed = await server.post('/api/2.0/mlflow/runs/log-model', { run_id, model_json: '{not json' });
    expect(malformed.body.message).toMatch(/Malformed model info/);
    const unknown = await server.post('/api/2.0/mlflow/runs/log-model', {
      run_id: 'f'.repeat(32),
      model_json: JSON.stringify(mlmodel('m', 'c3')),
    });
    expect(unknown.status).toBe(404);
  });
});
