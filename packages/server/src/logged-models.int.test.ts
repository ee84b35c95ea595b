import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './test-support/test-server.js';

type Json = Record<string, unknown>;
type ModelJson = {
  info: {
    model_id: string;
    experiment_id: string;
    name: string;
    artifact_uri: string;
    status: string;
    tags: { key: string; value: string }[];
  } & Json;
  data: { params: { key: string; value: string }[]; metrics: Json[] };
};

/**
 * One request as MLflow 3's Python client sends it: JSON bodies with `Content-Type: application/json`,
 * GET parameters in the query string, and no body at all where the client passes none.
 */
interface Replayed {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT';
  path: string;
  body?: unknown;
  /** Raw bytes for artifact uploads. */
  bytes?: string;
}

/**
 * What `mlflow.sklearn.log_model(model, name="model")` sends inside `mlflow.start_run()` in MLflow 3
 * (`Model.log`, `mlflow/models/model.py`; `RestStore`, `mlflow/store/tracking/rest_store.py`):
 * read the run's params, create the logged model (PENDING, the run's params copied, context tags),
 * record it as the run's output at step 0, log the run's metrics at that step again bound to the
 * model, upload the saved model folder to the model's own
 * `artifact_uri` through the artifact proxy, append the MLmodel summary to the run (log-model), and
 * finalize the model READY when all of that succeeded.
 */
function logModelRequests(experimentId: string, runId: string, modelId: () => string): (() => Replayed)[] {
  const artifact = (file: string) => `/api/2.0/mlflow-artifacts/artifacts/${experimentId}/models/${modelId()}/artifacts/${file}`;
  const mlmodel = () => ({
    artifact_path: `mlflow-artifacts:/${experimentId}/models/${modelId()}/artifacts`,
    flavors: {
      python_function: { loader_module: 'mlflow.sklearn', env: { conda: 'conda.yaml' } },
      sklearn: { pickled_model: 'model.pkl' },
    },
    model_uuid: modelId(),
    model_id: modelId(),
    run_id: runId,
    utc_time_created: '2026-12-02 19:30:00.000000',
    mlflow_version: '3.1.0',
  });
  return [
    () => ({ method: 'GET', path: `/api/2.0/mlflow/runs/get?run_uuid=${runId}&run_id=${runId}` }),
    () => ({
      method: 'POST',
      path: '/api/2.0/mlflow/logged-models',
      body: {
        experiment_id: experimentId,
        name: 'model',
        source_run_id: runId,
        params: [{ key: 'alpha', value: '0.5' }],
        tags: [
          { key: 'mlflow.user', value: 'ana' },
          { key: 'mlflow.source.name', value: 'train.py' },
          { key: 'mlflow.source.type', value: 'LOCAL' },
        ],
      },
    }),
    () => ({ method: 'POST', path: '/api/2.0/mlflow/runs/outputs', body: { run_id: runId, models: [{ model_id: modelId(), step: 0 }] } }),
    // log_model_metrics_for_step: the run's points at the model's step, logged again bound to the model.
    () => ({ method: 'GET', path: `/api/2.0/mlflow/runs/get?run_uuid=${runId}&run_id=${runId}` }),
    () => ({ method: 'GET', path: `/api/2.0/mlflow/metrics/get-history?run_id=${runId}&metric_key=acc` }),
    () => ({
      method: 'POST',
      path: '/api/2.0/mlflow/runs/log-batch',
      body: {
        run_id: runId,
        metrics: [{ key: 'acc', value: 0.9, timestamp: 1_700_000_000_500, step: 0, model_id: modelId(), run_id: runId }],
      },
    }),
    // log_model_artifacts resolves the artifact repository from the model's artifact_uri.
    () => ({ method: 'GET', path: `/api/2.0/mlflow/logged-models/${modelId()}` }),
    () => ({ method: 'PUT', path: artifact('MLmodel'), bytes: 'flavors:\n  sklearn:\n    pickled_model: model.pkl\n' }),
    () => ({ method: 'PUT', path: artifact('model.pkl'), bytes: 'pickled bytes' }),
    () => ({ method: 'PUT', path: artifact('requirements.txt'), bytes: 'mlflow==3.1.0\nscikit-learn\n' }),
    () => ({ method: 'POST', path: '/api/2.0/mlflow/runs/log-model', body: { run_id: runId, model_json: JSON.stringify(mlmodel()) } }),
    () => ({
      method: 'PATCH',
      path: `/api/2.0/mlflow/logged-models/${modelId()}`,
      body: { model_id: modelId(), status: 'LOGGED_MODEL_READY' },
    }),
  ];
}

describe('MLflow 3 logged-model routes', () => {
  let server: TestServer;
  let experimentId: string;

  async function send(request: Replayed): Promise<{ status: number; body: Json }> {
    const init: RequestInit = { method: request.method };
    if (request.body !== undefined) {
      init.headers = { 'content-type': 'application/json' };
      init.body = JSON.stringify(request.body);
    } else if (request.bytes !== undefined) {
      init.body = request.bytes;
    }
    const response = await fetch(`${server.url}${request.path}`, init);
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Json) : {} };
  }

  async function ok(request: Replayed): Promise<Json> {
    const answer = await send(request);
    expect(answer.status, `${request.method} ${request.path}: ${JSON.stringify(answer.body)}`).toBe(200);
    return answer.body;
  }

  async function createModel(body: Json = {}): Promise<ModelJson> {
    const answer = await ok({ method: 'POST', path: '/api/2.0/mlflow/logged-models', body: { experiment_id: experimentId, ...body } });
    return answer.model as ModelJson;
  }

  beforeAll(async () => {
    server = await startTestServer();
    experimentId = (await server.post('/api/2.0/mlflow/experiments/create', { name: 'logged-models' })).body.experiment_id as string;
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("replays MLflow 3's log_model: a READY model with its artifacts, params and tags, output by the run", async () => {
    const run = (await server.post('/api/2.0/mlflow/runs/create', { experiment_id: experimentId, start_time: 1_700_000_000_000 })).body
      .run as { info: { run_id: string } };
    const runId = run.info.run_id;
    await ok({
      method: 'POST',
      path: '/api/2.0/mlflow/runs/log-batch',
      body: {
        run_id: runId,
        params: [{ key: 'alpha', value: '0.5' }],
        metrics: [{ key: 'acc', value: 0.9, timestamp: 1_700_000_000_500, step: 0 }],
      },
    });

    let modelId = '';
    for (const next of logModelRequests(experimentId, runId, () => modelId)) {
      const answer = await ok(next());
      if (!modelId && answer.model) {
        const created = answer.model as ModelJson;
        modelId = created.info.model_id;
        expect(modelId).toMatch(/^m-[0-9a-f]{32}$/);
        expect(created.info).toMatchObject({
          experiment_id: experimentId,
          name: 'model',
          status: 'LOGGED_MODEL_PENDING',
          source_run_id: runId,
          artifact_uri: `mlflow-artifacts:/${experimentId}/models/${modelId}/artifacts`,
        });
        expect(created.info.creation_timestamp_ms).toBe(created.info.last_updated_timestamp_ms);
      }
    }

    // What the client reads afterwards (`mlflow.get_logged_model`, `models:/<model_id>` loading).
    const model = (await ok({ method: 'GET', path: `/api/2.0/mlflow/logged-models/${modelId}` })).model as ModelJson;
    expect(model.info.status).toBe('LOGGED_MODEL_READY');
    expect(model.data.params).toEqual([{ key: 'alpha', value: '0.5' }]);
    expect(model.info.tags).toEqual(expect.arrayContaining([{ key: 'mlflow.source.type', value: 'LOCAL' }]));
    expect(model.data.metrics).toEqual([
      { key: 'acc', value: 0.9, timestamp: 1_700_000_000_500, step: 0, model_id: modelId, run_id: runId },
    ]);
    const history = await server.get('/api/2.0/mlflow/metrics/get-history', { run_id: runId, metric_key: 'acc' });
    expect(history.body.metrics).toHaveLength(1);
    const listing = await ok({
      method: 'GET',
      path: `/api/2.0/mlflow-artifacts/artifacts?path=${experimentId}/models/${modelId}/artifacts`,
    });
    expect((listing.files as { path: string }[]).map((file) => file.path).sort()).toEqual(['MLmodel', 'model.pkl', 'requirements.txt']);
    const directories = await ok({ method: 'GET', path: `/api/2.0/mlflow/logged-models/${modelId}/artifacts/directories` });
    expect(directories.root_uri).toBe(model.info.artifact_uri);
    expect((directories.files as { path: string }[]).map((file) => file.path).sort()).toEqual(['MLmodel', 'model.pkl', 'requirements.txt']);
    const pickled = await fetch(`${server.url}/api/2.0/mlflow-artifacts/artifacts/${experimentId}/models/${modelId}/artifacts/model.pkl`);
    expect(await pickled.text()).toBe('pickled bytes');
    // The MLflow UI's download of one file of the model.
    const mlmodelFile = await fetch(
      `${server.url}/ajax-api/2.0/mlflow/logged-models/${modelId}/artifacts/files?artifact_file_path=MLmodel`,
    );
    expect(await mlmodelFile.text()).toContain('pickled_model: model.pkl');
    const outside = await send({
      method: 'GET',
      path: `/ajax-api/2.0/mlflow/logged-models/${modelId}/artifacts/files?artifact_file_path=../../x`,
    });
    expect([outside.status, outside.body.error_code]).toEqual([400, 'INVALID_PARAMETER_VALUE']);

    const read = (await server.get('/api/2.0/mlflow/runs/get', { run_id: runId })).body.run as {
      outputs: { model_outputs: Json[] };
      data: { tags: { key: string; value: string }[] };
    };
    expect(read.outputs.model_outputs).toEqual([{ model_id: modelId, step: 0 }]);
    const modelHistory = read.data.tags.find((tag) => tag.key === 'mlflow.log-model.history');
    expect(JSON.parse(modelHistory?.value ?? '[]')).toHaveLength(1);
  });

  it('finalizes a failed upload as LOGGED_MODEL_UPLOAD_FAILED, also by enum number', async () => {
    const model = await createModel({ name: 'broken' });
    const failed = await ok({ method: 'PATCH', path: `/api/2.0/mlflow/logged-models/${model.info.model_id}`, body: { status: 3 } });
    expect((failed.model as ModelJson).info.status).toBe('LOGGED_MODEL_UPLOAD_FAILED');
  });

  it('sets tags, deletes one with a bodiless DELETE as the client sends it, and logs params', async () => {
    const model = await createModel();
    const path = `/api/2.0/mlflow/logged-models/${model.info.model_id}`;
    await ok({
      method: 'PATCH',
      path: `${path}/tags`,
      body: {
        tags: [
          { key: 'stage', value: 'dev' },
          { key: 'team ml', value: 'a' },
        ],
      },
    });
    await ok({ method: 'DELETE', path: `${path}/tags/${encodeURIComponent('team ml')}` });
    await ok({ method: 'POST', path: `${path}/params`, body: { model_id: model.info.model_id, params: [{ key: 'lr', value: '0.1' }] } });
    const read = (await ok({ method: 'GET', path })).model as ModelJson;
    expect(read.info.tags).toEqual([{ key: 'stage', value: 'dev' }]);
    expect(read.data.params).toEqual([{ key: 'lr', value: '0.1' }]);

    const again = await send({ method: 'DELETE', path: `${path}/tags/${encodeURIComponent('team ml')}` });
    expect(again.status).toBe(404);
    expect(again.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
    const changed = await send({ method: 'POST', path: `${path}/params`, body: { params: [{ key: 'lr', value: '0.2' }] } });
    expect(changed.status).toBe(400);
  });

  it('searches with a filter, order and pages, as search_logged_models sends it', async () => {
    const searchExperiment = (await server.post('/api/2.0/mlflow/experiments/create', { name: 'model-search' })).body
      .experiment_id as string;
    for (const name of ['b-model', 'a-model', 'c-model']) {
      await ok({
        method: 'POST',
        path: '/api/2.0/mlflow/logged-models',
        body: { experiment_id: searchExperiment, name, model_type: 'Agent' },
      });
    }
    const search = (body: Json) =>
      ok({ method: 'POST', path: '/api/2.0/mlflow/logged-models/search', body: { experiment_ids: [searchExperiment], ...body } });
    const filtered = await search({
      filter: "name != 'c-model' AND model_type = 'Agent'",
      order_by: [{ field_name: 'name', ascending: true }],
    });
    expect((filtered.models as ModelJson[]).map((model) => model.info.name)).toEqual(['a-model', 'b-model']);

    const first = await search({ max_results: 2, order_by: [{ field_name: 'name', ascending: false }] });
    expect((first.models as ModelJson[]).map((model) => model.info.name)).toEqual(['c-model', 'b-model']);
    const second = await search({
      max_results: 2,
      order_by: [{ field_name: 'name', ascending: false }],
      page_token: first.next_page_token,
    });
    expect((second.models as ModelJson[]).map((model) => model.info.name)).toEqual(['a-model']);
    expect(second.next_page_token).toBeUndefined();
  });

  it('deletes a model: it is gone from get and search', async () => {
    const model = await createModel({ name: 'doomed' });
    const path = `/api/2.0/mlflow/logged-models/${model.info.model_id}`;
    await ok({ method: 'DELETE', path, body: { model_id: model.info.model_id } });
    expect((await send({ method: 'GET', path })).status).toBe(404);
    const found = await ok({
      method: 'POST',
      path: '/api/2.0/mlflow/logged-models/search',
      body: { experiment_ids: [experimentId], filter: "name = 'doomed'" },
    });
    expect(found.models).toEqual([]);
  });

  it('answers bad input with MLflow error codes', async () => {
    const model = await createModel();
    const path = `/api/2.0/mlflow/logged-models/${model.info.model_id}`;
    const cases: [Replayed, number, string][] = [
      [{ method: 'GET', path: '/api/2.0/mlflow/logged-models/m-0123456789abcdef0123456789abcdef' }, 404, 'RESOURCE_DOES_NOT_EXIST'],
      [{ method: 'GET', path: '/api/2.0/mlflow/logged-models/..%2F..%2Fetc' }, 404, 'RESOURCE_DOES_NOT_EXIST'],
      [{ method: 'PATCH', path, body: { status: 'LOGGED_MODEL_PENDING' } }, 400, 'INVALID_PARAMETER_VALUE'],
      [{ method: 'PATCH', path, body: { status: 'DONE' } }, 400, 'INVALID_PARAMETER_VALUE'],
      [{ method: 'PATCH', path, body: {} }, 400, 'INVALID_PARAMETER_VALUE'],
      [{ method: 'POST', path: '/api/2.0/mlflow/logged-models', body: { name: 'no-experiment' } }, 400, 'INVALID_PARAMETER_VALUE'],
      [
        { method: 'POST', path: '/api/2.0/mlflow/logged-models', body: { experiment_id: experimentId, name: 'a/b' } },
        400,
        'INVALID_PARAMETER_VALUE',
      ],
      [{ method: 'POST', path: '/api/2.0/mlflow/logged-models', body: { experiment_id: '987654' } }, 404, 'RESOURCE_DOES_NOT_EXIST'],
      [
        { method: 'POST', path: '/api/2.0/mlflow/logged-models/search', body: { experiment_ids: [experimentId], filter: 'name =' } },
        400,
        'INVALID_PARAMETER_VALUE',
      ],
      [
        {
          method: 'POST',
          path: '/api/2.0/mlflow/runs/outputs',
          body: { run_id: 'f'.repeat(32), models: [{ model_id: model.info.model_id, step: 0 }] },
        },
        404,
        'RESOURCE_DOES_NOT_EXIST',
      ],
    ];
    for (const [request, status, errorCode] of cases) {
      const answer = await send(request);
      expect([answer.status, answer.body.error_code], `${request.method} ${request.path} ${JSON.stringify(request.body)}`).toEqual([
        status,
        errorCode,
      ]);
    }
    const run = (await server.post('/api/2.0/mlflow/runs/create', { experiment_id: experimentId })).body.run as {
      info: { run_id: string };
    };
    const unknownModel = await send({
      method: 'POST',
      path: '/api/2.0/mlflow/runs/outputs',
      body: { run_id: run.info.run_id, models: [{ model_id: 'm-0123456789abcdef0123456789abcdef', step: 0 }] },
    });
    expect([unknownModel.status, unknownModel.body.error_code]).toEqual([404, 'RESOURCE_DOES_NOT_EXIST']);
  });

  it('serves the routes under the ajax-api prefix the MLflow UI uses', async () => {
    const model = await createModel();
    const answer = await ok({ method: 'GET', path: `/ajax-api/2.0/mlflow/logged-models/${model.info.model_id}` });
    expect((answer.model as ModelJson).info.model_id).toBe(model.info.model_id);
  });
});
