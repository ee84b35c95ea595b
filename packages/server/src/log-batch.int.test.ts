import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './test-support/test-server.js';

// runs/log-batch: MLflow's request shape, its limits, and all-or-nothing application.
describe('MLflow log-batch', () => {
  let server: TestServer;
  let experimentId: string;
  beforeAll(async () => {
    server = await startTestServer();
    experimentId = (await server.post('/api/2.0/mlflow/experiments/create', { name: 'batches' })).body.experiment_id as string;
  });
  afterAll(async () => {
    await server?.stop();
  });

  async function newRun(): Promise<string> {
    const created = await server.post('/api/2.0/mlflow/runs/create', {
      experiment_id: experimentId,
      run_name: 'x',
      start_time: Date.now(),
    });
    return (created.body.run as { info: { run_id: string } }).info.run_id;
  }

  const metrics = (count: number) =>
    Array.from({ length: count }, (_, step) => ({ key: 'm', value: step / 2, timestamp: 1_700_000_000_000 + step, step }));
  const pairs = (count: number, prefix: string) => Array.from({ length: count }, (_, i) => ({ key: `${prefix}${i}`, value: String(i) }));

  it('logs metrics, params and tags in one request', async () => {
    const run_id = await newRun();
    const logged = await server.post('/api/2.0/mlflow/runs/log-batch', {
      run_id,
      metrics: [{ key: 'm', value: 1.5, timestamp: 1_700_000_000_000, step: 0 }],
      params: [{ key: 'p', value: 'v' }],
      tags: [{ key: 't', value: 'u' }],
    });
    expect(logged).toMatchObject({ status: 200, body: {} });
    const run = await server.tracking.getRun(run_id);
    expect(run.metrics.m).toEqual({ key: 'm', value: 1.5, timestamp: 1_700_000_000_000, step: 0 });
    expect(run.params).toEqual({ p: 'v' });
    expect(run.tags.t).toBe('u');
  });

  it('accepts exactly the limits: 1000 metrics, or 100 params with 100 tags', async () => {
    const run_id = await newRun();
    expect((await server.post('/api/2.0/mlflow/runs/log-batch', { run_id, metrics: metrics(1000) })).status).toBe(200);
    expect((await server.post('/api/2.0/mlflow/runs/log-batch', { run_id, params: pairs(100, 'p'), tags: pairs(100, 't') })).status).toBe(
      200,
    );
    expect((await server.tracking.getMetricHistory(run_id, 'm')).items).toHaveLength(1000);
  });

  it.each([
    ['metrics', { metrics: metrics(1001) }, 'at most 1000 metrics. Got 1001 metrics'],
    ['params', { params: pairs(101, 'p') }, 'at most 100 params. Got 101 params'],
    ['tags', { tags: pairs(101, 't') }, 'at most 100 tags. Got 101 tags'],
    [
      'entries in all',
      { metrics: metrics(901), params: pairs(50, 'p'), tags: pairs(50, 't') },
      'at most 1000 metrics, params, and tags. Got 1001',
    ],
  ])('refuses a batch over the limit of %s, applying none of it', async (_what, batch, message) => {
    const run_id = await newRun();
    const answer = await server.post('/api/2.0/mlflow/runs/log-batch', { run_id, ...batch });
    expect(answer.status).toBe(400);
    expect(answer.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(answer.body.message).toContain(message);
    const run = await server.tracking.getRun(run_id);
    expect(run.metrics).toEqual({});
    expect(run.params).toEqual({});
    expect(Object.keys(run.tags).filter((key) => !key.startsWith('mlflow.'))).toEqual([]);
  });

  it('applies nothing when one param conflicts with its logged value', async () => {
    const run_id = await newRun();
    await server.post('/api/2.0/mlflow/runs/log-batch', { run_id, params: [{ key: 'seed', value: '1' }] });
    const answer = await server.post('/api/2.0/mlflow/runs/log-batch', {
      run_id,
      metrics: metrics(10),
      params: [{ key: 'seed', value: '2' }],
      tags: [{ key: 'never', value: 'x' }],
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    const run = await server.tracking.getRun(run_id);
    expect(run.params.seed).toBe('1');
    expect(run.metrics.m).toBeUndefined();
    expect(run.tags.never).toBeUndefined();
  });

  it('refuses a boolean metric value and a metric without a timestamp, naming the field', async () => {
    const run_id = await newRun();
    const boolean = await server.post('/api/2.0/mlflow/runs/log-batch', {
      run_id,
      metrics: [{ key: 'flag', value: true, timestamp: 1, step: 0 }],
    });
    expect(boolean.status).toBe(400);
    expect(boolean.body.message).toContain("'metrics[0].value'");
    const noTime = await server.post('/api/2.0/mlflow/runs/log-batch', { run_id, metrics: [{ key: 'm', value: 1 }] });
    expect(noTime.body.message).toContain("Missing value for required parameter 'metrics[0].timestamp'");
  });
});
