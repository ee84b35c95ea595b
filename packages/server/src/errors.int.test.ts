import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './test-support/test-server.js';

// MLflow's error body ({error_code, message}) and statuses for what clients get wrong.
describe('MLflow error answers', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('answers an unknown run with 404 RESOURCE_DOES_NOT_EXIST on reads and writes', async () => {
    const runId = '0'.repeat(32);
    const read = await server.get('/api/2.0/mlflow/runs/get', { run_id: runId });
    expect(read.status).toBe(404);
    expect(read.body).toEqual({
      error_code: 'RESOURCE_DOES_NOT_EXIST',
      message: expect.stringContaining(runId),
      mlp_error_code: 'NOT_FOUND',
    });
    const write = await server.post('/api/2.0/mlflow/runs/log-batch', { run_id: runId, params: [{ key: 'a', value: 'b' }] });
    expect(write.status).toBe(404);
    expect(write.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
  });

  it('answers a malformed filter with 400 and a message that keeps the position', async () => {
    const answer = await server.post('/api/2.0/mlflow/runs/search', { experiment_ids: ['0'], filter: 'metrics.rmse <> 1' });
    expect(answer.status).toBe(400);
    expect(answer.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(answer.body.message).toMatch(/position 13/);
    expect(answer.body.message).toContain('metrics.rmse <> 1');
  });

  it('names a missing required parameter as MLflow does', async () => {
    const answer = await server.get('/api/2.0/mlflow/runs/get');
    expect(answer.status).toBe(400);
    expect(answer.body.message).toMatch(/^Missing value for required parameter 'run_id'\./);
    const wrongType = await server.post('/api/2.0/mlflow/experiments/create', { name: 42 });
    expect(wrongType.body.message).toMatch(/^Invalid value for parameter 'name': expected a string/);
  });

  it('answers unknown endpoints with 404 ENDPOINT_NOT_FOUND and a wrong method with 405', async () => {
    const unknown = await server.get('/api/2.0/mlflow/runs/nothing');
    expect(unknown).toMatchObject({ status: 404, body: { error_code: 'ENDPOINT_NOT_FOUND' } });
    const outside = await server.get('/index.html');
    expect(outside.body.error_code).toBe('ENDPOINT_NOT_FOUND');
    const method = await server.get('/api/2.0/mlflow/runs/create');
    expect(method.status).toBe(405);
    expect(method.headers.get('allow')).toBe('POST');
  });

  it('takes only JSON bodies on POST, and says when the JSON is malformed', async () => {
    const form = await fetch(`${server.url}/api/2.0/mlflow/experiments/create`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'name=evil',
    });
    expect(form.status).toBe(400);
    expect(((await form.json()) as { message: string }).message).toMatch(/Content-Type must be application\/json/);
    const broken = await fetch(`${server.url}/api/2.0/mlflow/experiments/create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"name":',
    });
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as { message: string }).message).toMatch(/Malformed JSON/);
  });

  it('hides the text of unexpected errors behind the request id, and logs it', async () => {
    const original = server.tracking.getExperiment;
    server.tracking.getExperiment = () => Promise.reject(new Error('connection string postgres://secret@db'));
    try {
      const answer = await server.get('/api/2.0/mlflow/experiments/get', { experiment_id: '0' });
      expect(answer.status).toBe(500);
      expect(answer.body.error_code).toBe('INTERNAL_ERROR');
      expect(answer.body.message).not.toContain('secret');
      expect(answer.body.message).toContain(answer.headers.get('x-request-id'));
      expect(server.logs.some((line) => line.includes('secret') && line.includes('request failed'))).toBe(true);
    } finally {
      server.tracking.getExperiment = original;
    }
  });

  it('answers /health with OK', async () => {
    const response = await fetch(`${server.url}/health`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('OK');
  });
});
