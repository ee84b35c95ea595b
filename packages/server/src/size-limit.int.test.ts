import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './test-support/test-server.js';

const limit = 4096;

// JSON bodies over maxBodyBytes get 413 with an MLflow error body; artifact uploads stream past it.
describe('request size limit', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ maxBodyBytes: limit });
  });
  afterAll(async () => {
    await server?.stop();
  });

  const bigName = 'x'.repeat(limit);

  it('refuses a body whose Content-Length is over the limit with 413', async () => {
    const answer = await server.post('/api/2.0/mlflow/experiments/create', { name: bigName });
    expect(answer.status).toBe(413);
    expect(answer.body).toMatchObject({ error_code: 'REQUEST_LIMIT_EXCEEDED', mlp_error_code: 'INVALID_ARGUMENT' });
    expect(answer.body.message).toContain(String(limit));
    expect(await server.tracking.getExperimentByName(bigName)).toBeUndefined();
  });

  it('refuses a chunked body once it grows over the limit', async () => {
    const response = await fetch(`${server.url}/api/2.0/mlflow/experiments/create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Readable.toWeb(Readable.from([Buffer.from('{"name":"'), Buffer.from(bigName), Buffer.from('"}')])) as ReadableStream,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error_code: string }).error_code).toBe('REQUEST_LIMIT_EXCEEDED');
  });

  it('answers 413, not a reset connection, to a large chunked body', async () => {
    const chunks = Array.from({ length: 64 }, () => Buffer.alloc(64 * 1024, 0x61));
    const response = await fetch(`${server.url}/api/2.0/mlflow/runs/log-batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Readable.toWeb(Readable.from([Buffer.from('{"run_id":"'), ...chunks, Buffer.from('"}')])) as ReadableStream,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(response.headers.get('connection')).toBe('close');
  });

  it('accepts a body just under the limit', async () => {
    const name = 'y'.repeat(200);
    expect((await server.post('/api/2.0/mlflow/experiments/create', { name })).status).toBe(200);
  });

  it('streams artifact uploads larger than the JSON limit', async () => {
    const bytes = Buffer.alloc(limit * 64, 7);
    const upload = await fetch(`${server.url}/api/2.0/mlflow-artifacts/artifacts/0/big/artifacts/blob.bin`, { method: 'PUT', body: bytes });
    expect(upload.status).toBe(200);
    expect((await server.workspace.blobs.head('mlflow-artifacts/0/big/artifacts/blob.bin'))?.size).toBe(bytes.length);
  });
});
