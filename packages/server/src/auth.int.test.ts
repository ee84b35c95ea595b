import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './test-support/test-server.js';

const readToken = 'read-token-0123456789';
const writeToken = 'write-token-0123456789';

// Bearer tokens with read and write scopes, as MLflow clients send them (MLFLOW_TRACKING_TOKEN).
describe('bearer token scopes', () => {
  let server: TestServer;
  const as = (token: string) => ({ authorization: `Bearer ${token}` });
  beforeAll(async () => {
    server = await startTestServer({
      tokens: [
        { token: readToken, scopes: ['read'] },
        { token: writeToken, scopes: ['read', 'write'] },
      ],
    });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('answers a request without a token, or with an unknown one, with 401 UNAUTHENTICATED', async () => {
    const none = await server.get('/api/2.0/mlflow/experiments/get', { experiment_id: '0' });
    expect(none.status).toBe(401);
    expect(none.body.error_code).toBe('UNAUTHENTICATED');
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="mlp"');
    const wrong = await server.get('/api/2.0/mlflow/experiments/get', { experiment_id: '0' }, as(`${readToken}x`));
    expect(wrong.status).toBe(401);
    const basic = await server.get(
      '/api/2.0/mlflow/experiments/get',
      { experiment_id: '0' },
      { authorization: `Basic ${btoa(`u:${writeToken}`)}` },
    );
    expect(basic.status).toBe(401);
  });

  it('lets a read token read and search, and answers its writes with 403 PERMISSION_DENIED', async () => {
    expect((await server.get('/api/2.0/mlflow/experiments/get', { experiment_id: '0' }, as(readToken))).status).toBe(200);
    expect((await server.post('/api/2.0/mlflow/runs/search', { experiment_ids: ['0'] }, as(readToken))).status).toBe(200);
    expect((await server.post('/api/2.0/mlflow/experiments/search', {}, as(readToken))).status).toBe(200);
    const write = await server.post('/api/2.0/mlflow/experiments/create', { name: 'denied' }, as(readToken));
    expect(write.status).toBe(403);
    expect(write.body.error_code).toBe('PERMISSION_DENIED');
    const upload = await fetch(`${server.url}/api/2.0/mlflow-artifacts/artifacts/0/x/artifacts/a.txt`, {
      method: 'PUT',
      headers: as(readToken),
      body: 'a',
    });
    expect(upload.status).toBe(403);
    expect(await server.workspace.blobs.head('mlflow-artifacts/0/x/artifacts/a.txt')).toBeUndefined();
  });

  it('lets a write token write', async () => {
    const created = await server.post('/api/2.0/mlflow/experiments/create', { name: 'allowed' }, as(writeToken));
    expect(created.status).toBe(200);
  });

  it('logs which token was used by a short digest, never the token itself', async () => {
    const answer = await server.get('/api/2.0/mlflow/experiments/get', { experiment_id: '0' }, as(readToken));
    const requestId = answer.headers.get('x-request-id') as string;
    await expect.poll(() => server.logs.some((line) => line.includes(requestId))).toBe(true);
    const entry = JSON.parse(server.logs.find((line) => line.includes(requestId)) as string) as { token?: string };
    expect(entry.token).toMatch(/^[0-9a-f]{8}$/);
    expect(server.logs.join('\n')).not.toContain(readToken);
    expect(server.logs.join('\n')).not.toContain(writeToken);
  });

  it('keeps /health open for probes', async () => {
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });
});
