import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './test-support/test-server.js';

// One JSON line per request through the logger, in pino-http's shape.
describe('access log', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('logs method, url, status, duration and the request id the response carries', async () => {
    const answer = await server.get('/api/2.0/mlflow/experiments/get', { experiment_id: '0' });
    const requestId = answer.headers.get('x-request-id');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    // The log line is written when the response closes, just after the client has it.
    await expect.poll(() => server.logs.some((line) => line.includes(requestId as string))).toBe(true);
    const entry = JSON.parse(server.logs.find((line) => line.includes(requestId as string)) as string);
    expect(entry).toMatchObject({
      level: 30,
      msg: 'request completed',
      component: 'mlp-server',
      reqId: requestId,
      req: { method: 'GET', url: '/api/2.0/mlflow/experiments/get?experiment_id=0', remoteAddress: '127.0.0.1' },
      res: { statusCode: 200 },
    });
    expect(typeof entry.responseTime).toBe('number');
    expect(typeof entry.time).toBe('number');
  });

  it('logs failed requests with their status', async () => {
    const answer = await server.get('/api/2.0/mlflow/runs/get', { run_id: 'missing' });
    const requestId = answer.headers.get('x-request-id') as string;
    await expect.poll(() => server.logs.some((line) => line.includes(requestId))).toBe(true);
    expect(JSON.parse(server.logs.find((line) => line.includes(requestId)) as string).res.statusCode).toBe(404);
  });
});
