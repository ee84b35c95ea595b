import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createMlflowHttpClient } from './mlflow-http-client.js';

interface Seen {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server | undefined;

/** A local server that answers each request with the next of `answers` (the last one repeats). */
async function serve(answers: ((res: ServerResponse) => void)[]): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body });
      (answers[seen.length - 1] ?? (answers.at(-1) as (res: ServerResponse) => void))(res);
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}) =>
  (res: ServerResponse) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
const hangUp = (res: ServerResponse) => res.socket?.destroy();
const fast = { retryDelayMs: 1, maxRetryDelayMs: 5 };

afterEach(async () => {
  const running = server;
  server = undefined;
  if (!running) return;
  running.closeAllConnections();
  await new Promise((resolve) => running.close(resolve));
});

describe('MLflow HTTP client retries', () => {
  it('retries 503 and 429 until the server answers, within the retry budget', async () => {
    const { url, seen } = await serve([json(503, { error_code: 'TEMPORARILY_UNAVAILABLE' }), json(429, {}), json(200, { ok: 1 })]);
    const client = createMlflowHttpClient({ url, retries: 3, ...fast });
    expect(await client.post('mlflow/runs/log-batch', { run_id: 'r' })).toEqual({ ok: 1 });
    expect(seen).toHaveLength(3);
    expect(seen.every((request) => request.body === '{"run_id":"r"}')).toBe(true);
  });

  it('retries a dropped connection, a network error', async () => {
    const { url, seen } = await serve([hangUp, json(200, {})]);
    const client = createMlflowHttpClient({ url, retries: 1, ...fast });
    expect(await client.get('mlflow/runs/get', { run_id: 'r' })).toEqual({});
    expect(seen).toHaveLength(2);
  });

  it('gives up after the retries with the last answer as an MlpError', async () => {
    const { url, seen } = await serve([json(500, { error_code: 'INTERNAL_ERROR', message: 'database is down' })]);
    const client = createMlflowHttpClient({ url, retries: 2, ...fast });
    await expect(client.get('mlflow/runs/get', { run_id: 'r' })).rejects.toMatchObject({ code: 'INTERNAL', message: 'database is down' });
    expect(seen).toHaveLength(3);
  });

  it('reports an unreachable server as UNAVAILABLE after the retries', async () => {
    const { url, seen } = await serve([hangUp]);
    const client = createMlflowHttpClient({ url, retries: 2, ...fast });
    await expect(client.get('mlflow/experiments/get', {})).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringContaining('3 attempts'),
    });
    expect(seen).toHaveLength(3);
  });

  it('never retries a 4xx verdict', async () => {
    const { url, seen } = await serve([json(404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'No run r' }), json(200, {})]);
    const client = createMlflowHttpClient({ url, retries: 3, ...fast });
    await expect(client.get('mlflow/runs/get', { run_id: 'r' })).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'No run r' });
    expect(seen).toHaveLength(1);
  });

  it('waits at least Retry-After (capped by the maximum delay)', async () => {
    const { url, seen } = await serve([json(429, {}, { 'retry-after': '1' }), json(200, {})]);
    const client = createMlflowHttpClient({ url, retries: 1, retryDelayMs: 1, maxRetryDelayMs: 300 });
    const started = Date.now();
    await client.get('mlflow/runs/get', {});
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(seen).toHaveLength(2);
  });

  it('times out a silent server and retries', async () => {
    const { url, seen } = await serve([() => {}, json(200, { late: false })]);
    const client = createMlflowHttpClient({ url, retries: 1, timeoutMs: 100, ...fast });
    expect(await client.get('mlflow/runs/get', {})).toEqual({ late: false });
    expect(seen).toHaveLength(2);
  });
});

describe('MLflow HTTP client requests', () => {
  it('sends bearer or basic auth, JSON bodies, and lists as repeated query keys', async () => {
    const { url, seen } = await serve([json(200, {})]);
    await createMlflowHttpClient({ url: `${url}/`, token: 'tok' }).get('mlflow/experiments/search', {
      order_by: ['a', 'b'],
      max_results: 5,
      page_token: undefined,
    });
    await createMlflowHttpClient({ url, username: 'ana', password: 'pw' }).post('mlflow/runs/create', { a: 1 });
    expect(seen[0]).toMatchObject({ method: 'GET', url: '/api/2.0/mlflow/experiments/search?order_by=a&order_by=b&max_results=5' });
    expect(seen[0]?.headers.authorization).toBe('Bearer tok');
    expect(seen[1]?.headers.authorization).toBe(`Basic ${Buffer.from('ana:pw').toString('base64')}`);
    expect(seen[1]?.headers['content-type']).toBe('application/json');
  });

  it('refuses bad options before sending anything', () => {
    expect(() => createMlflowHttpClient({ url: 'not a url' })).toThrow(/not a URL/);
    expect(() => createMlflowHttpClient({ url: 'ftp://x' })).toThrow(/http or https/);
    expect(() => createMlflowHttpClient({ url: 'http://x', token: 't', username: 'u' })).toThrow(/either a token/);
    expect(() => createMlflowHttpClient({ url: 'http://x', retries: -1 })).toThrow(/retries/);
  });
});
