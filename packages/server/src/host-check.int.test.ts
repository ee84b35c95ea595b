import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from './test-support/raw-request.js';
import { startTestServer, type TestServer } from './test-support/test-server.js';

const json = { 'content-type': 'application/json' };

// DNS rebinding: a page on attacker.example whose name now resolves to 127.0.0.1 sends its own Host.
describe('Host and Origin checks', () => {
  let server: TestServer;
  let port: string;
  beforeAll(async () => {
    server = await startTestServer({ allowedHosts: ['mlp.internal.example', '.team.example'] });
    port = new URL(server.url).port;
  });
  afterAll(async () => {
    await server?.stop();
  });

  const create = (name: string, headers: Record<string, string>) =>
    rawRequest(server.url, 'POST', '/api/2.0/mlflow/experiments/create', {
      headers: { ...json, ...headers },
      body: JSON.stringify({ name }),
    });

  it('refuses a write whose Host is not this server with 403 PERMISSION_DENIED, and stores nothing', async () => {
    const answer = await create('rebound', { host: `attacker.example:${port}` });
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({ error_code: 'PERMISSION_DENIED', mlp_error_code: 'PERMISSION_DENIED' });
    expect(answer.body.message).toContain('attacker.example');
    expect(answer.body.message).toMatch(/allowed-hosts|allowedHosts/);
    expect(await server.tracking.getExperimentByName('rebound')).toBeUndefined();
  });

  it('refuses reads, artifact uploads and /health under a foreign Host too', async () => {
    const read = await rawRequest(server.url, 'GET', '/api/2.0/mlflow/experiments/get?experiment_id=0', {
      headers: { host: 'attacker.example' },
    });
    expect(read.status).toBe(403);
    const upload = await rawRequest(server.url, 'PUT', '/api/2.0/mlflow-artifacts/artifacts/0/x/artifacts/a.txt', {
      headers: { host: 'attacker.example' },
      body: 'a',
    });
    expect(upload.status).toBe(403);
    expect(await server.workspace.blobs.head('mlflow-artifacts/0/x/artifacts/a.txt')).toBeUndefined();
    expect((await rawRequest(server.url, 'GET', '/health', { headers: { host: 'attacker.example' } })).status).toBe(403);
  });

  it.each([
    '127.0.0.1',
    'localhost',
    'LOCALHOST.',
    'app.localhost',
    '[::1]',
    '127.0.0.2',
    'mlp.internal.example',
    'a.team.example',
    'team.example',
  ])('accepts Host %s on a server bound to 127.0.0.1', async (host) => {
    const answer = await create(`host ${host}`, { host: `${host}:${port}` });
    expect(answer.status).toBe(200);
  });

  it.each(['10.0.0.1', '[::2]', 'mlp.internal.example.attacker.example', 'evilteam.example', 'localhost.attacker.example'])(
    'refuses Host %j on a server bound to 127.0.0.1',
    async (host) => {
      const answer = await create(`refused ${host}`, { host });
      expect(answer.status).toBe(403);
    },
  );

  it('refuses a write from a foreign Origin, even with an allowed Host', async () => {
    const answer = await create('cross-origin', { host: `127.0.0.1:${port}`, origin: 'https://attacker.example' });
    expect(answer.status).toBe(403);
    expect(answer.body.error_code).toBe('PERMISSION_DENIED');
    expect(answer.body.message).toContain('https://attacker.example');
    expect(await server.tracking.getExperimentByName('cross-origin')).toBeUndefined();
    const opaque = await create('opaque-origin', { host: `127.0.0.1:${port}`, origin: 'null' });
    expect(opaque.status).toBe(403);
  });

  it('accepts a write from its own origin', async () => {
    const answer = await create('same-origin', { host: `localhost:${port}`, origin: `http://localhost:${port}` });
    expect(answer.status).toBe(200);
  });

  it('refuses a simple cross-origin form POST (text/plain) before it writes', async () => {
    const answer = await rawRequest(server.url, 'POST', '/api/2.0/mlflow/experiments/create', {
      headers: { 'content-type': 'text/plain', origin: 'https://attacker.example' },
      body: JSON.stringify({ name: 'form' }),
    });
    expect(answer.status).toBe(403);
    expect(await server.tracking.getExperimentByName('form')).toBeUndefined();
  });
});

describe('Host check on a server bound to every address', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ listenHost: '0.0.0.0' });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('accepts any of its IP addresses, and still refuses a foreign name', async () => {
    const byIp = await rawRequest(server.url, 'GET', '/api/2.0/mlflow/experiments/get?experiment_id=0', {
      headers: { host: '10.1.2.3:5000' },
    });
    expect(byIp.status).toBe(200);
    const byName = await rawRequest(server.url, 'GET', '/api/2.0/mlflow/experiments/get?experiment_id=0', {
      headers: { host: 'attacker.example' },
    });
    expect(byName.status).toBe(403);
  });
});
