import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './test-support/test-server.js';

// Error messages go to whoever can reach the server: they never name a folder on it.
describe('errors over HTTP never show server paths', () => {
  let server: TestServer;
  let serverPaths: string[];
  beforeAll(async () => {
    server = await startTestServer();
    serverPaths = [server.workspace.config.dir, server.workspace.config.stateDir, server.workspace.blobs.location];
  });
  afterAll(async () => {
    await server?.stop();
  });

  const expectNoServerPath = (text: string) => {
    for (const serverPath of serverPaths) expect(text).not.toContain(serverPath);
  };

  it('answers a 300-character path segment with 400 and the key, not the file', async () => {
    const segment = 's'.repeat(300);
    const upload = await fetch(`${server.url}/api/2.0/mlflow-artifacts/artifacts/0/run/artifacts/${segment}.txt`, {
      method: 'PUT',
      body: 'x',
    });
    const body = (await upload.json()) as { error_code: string; message: string };
    expect(upload.status).toBe(400);
    expect(body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(body.message).toContain(`mlflow-artifacts/0/run/artifacts/${segment}.txt`);
    expectNoServerPath(body.message);
    const download = await fetch(`${server.url}/api/2.0/mlflow-artifacts/artifacts/0/run/artifacts/${segment}.txt`);
    expectNoServerPath(await download.text());
  });

  it('answers a missing artifact without the blob folder', async () => {
    const missing = await server.get('/api/2.0/mlflow-artifacts/artifacts/0/run/artifacts/none.txt');
    expect(missing.status).toBe(404);
    expectNoServerPath(String(missing.body.message));
  });

  it('takes server paths out of any message that still carries one', async () => {
    const original = server.tracking.getExperiment;
    const { MlpError } = await import('@mlp/core');
    server.tracking.getExperiment = () =>
      Promise.reject(new MlpError('NOT_FOUND', `Nothing at ${server.workspace.blobs.location}/a or ${server.workspace.config.stateDir}.`));
    try {
      const answer = await server.get('/api/2.0/mlflow/experiments/get', { experiment_id: '0' });
      expect(answer.status).toBe(404);
      expectNoServerPath(String(answer.body.message));
      expect(answer.body.message).toMatch(/Nothing at <[a-z ]+>\/a or <[a-z ]+>\./);
    } finally {
      server.tracking.getExperiment = original;
    }
  });
});
