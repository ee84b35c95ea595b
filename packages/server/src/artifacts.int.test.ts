import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from './test-support/raw-request.js';
import { startTestServer, type TestServer } from './test-support/test-server.js';

// Artifacts through MLflow's proxy: upload to the run's mlflow-artifacts: root, list, download.
describe('artifact round trip over HTTP', () => {
  let server: TestServer;
  let runId: string;
  let root: string;
  beforeAll(async () => {
    server = await startTestServer();
    const created = await server.post('/api/2.0/mlflow/runs/create', { experiment_id: '0', run_name: 'artifacts', start_time: Date.now() });
    const info = (created.body.run as { info: { run_id: string; artifact_uri: string } }).info;
    runId = info.run_id;
    // What an MLflow client does with `mlflow-artifacts:/0/<run>/artifacts`.
    root = `/api/2.0/mlflow-artifacts/artifacts/${info.artifact_uri.slice('mlflow-artifacts:/'.length)}`;
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('uploads, lists and downloads the same bytes', async () => {
    const weights = randomBytes(3 * 1024 * 1024 + 17);
    const put = await fetch(`${server.url}${root}/model/weights.bin`, { method: 'PUT', body: weights });
    expect(put.status).toBe(200);
    expect(await put.json()).toEqual({});
    await fetch(`${server.url}${root}/notes%20v1.txt`, { method: 'PUT', body: 'hello' });

    const download = await fetch(`${server.url}${root}/model/weights.bin`);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-length')).toBe(String(weights.length));
    expect(Buffer.from(await download.arrayBuffer()).equals(weights)).toBe(true);
    const notes = await fetch(`${server.url}${root}/notes%20v1.txt`);
    expect(notes.headers.get('content-type')).toBe('text/plain');
    expect(await notes.text()).toBe('hello');

    const top = await server.get('/api/2.0/mlflow/artifacts/list', { run_id: runId });
    expect(top.body).toEqual({
      root_uri: `mlflow-artifacts:/0/${runId}/artifacts`,
      files: [
        { path: 'model', is_dir: true },
        { path: 'notes v1.txt', is_dir: false, file_size: 5 },
      ],
    });
    const inner = await server.get('/api/2.0/mlflow/artifacts/list', { run_id: runId, path: 'model' });
    expect(inner.body.files).toEqual([{ path: 'model/weights.bin', is_dir: false, file_size: weights.length }]);

    // MLflow's proxy listing names entries by base name.
    const proxied = await server.get('/api/2.0/mlflow-artifacts/artifacts', { path: `0/${runId}/artifacts/model` });
    expect(proxied.body).toEqual({ files: [{ path: 'weights.bin', is_dir: false, file_size: weights.length }] });
  });

  it('serves uploaded HTML as bytes, never as a page', async () => {
    await fetch(`${server.url}${root}/report.html`, { method: 'PUT', body: '<script>alert(1)</script>' });
    const page = await fetch(`${server.url}${root}/report.html`);
    expect(page.headers.get('content-type')).toBe('application/octet-stream');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('content-disposition')).toMatch(/^attachment/);
  });

  it('answers a missing artifact with 404 RESOURCE_DOES_NOT_EXIST', async () => {
    const missing = await server.get(`${root}/nothing.bin`);
    expect(missing).toMatchObject({ status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST' } });
  });

  it.each([
    ['PUT', '/api/2.0/mlflow-artifacts/artifacts/0/../../etc/passwd'],
    ['GET', '/api/2.0/mlflow-artifacts/artifacts/0/x/artifacts/../../../secret'],
    ['PUT', '/api/2.0/mlflow-artifacts/artifacts/0/%2e%2e/escape.txt'],
    ['GET', '/api/2.0/mlflow-artifacts/artifacts//etc/passwd'],
    ['PUT', '/api/2.0/mlflow-artifacts/artifacts/0/a%5Cb.txt'],
    ['GET', '/api/2.0/mlflow-artifacts/artifacts?path=../x'],
    ['GET', '/api/2.0/mlflow-artifacts/artifacts?path=/etc'],
  ])('refuses %s %s with 400 INVALID_PARAMETER_VALUE', async (method, path) => {
    const answer = await rawRequest(server.url, method, path, method === 'PUT' ? { body: 'payload' } : {});
    expect(answer.status).toBe(400);
    expect(answer.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(answer.body.message).toMatch(/Invalid artifact path/);
  });

  it('refuses a run listing whose path climbs out of the run', async () => {
    const answer = await server.get('/api/2.0/mlflow/artifacts/list', { run_id: runId, path: '../other-run' });
    expect(answer.status).toBe(400);
    expect(answer.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    const keys: string[] = [];
    for await (const blob of server.workspace.blobs.list('')) keys.push(blob.key);
    expect(keys.every((key) => key.startsWith('mlflow-artifacts/0/'))).toBe(true);
  });

  // MLflow's DeleteArtifact (`DELETE /api/2.0/mlflow-artifacts/artifacts/<path>`), as its HTTP artifact repository sends it.
  it('deletes a file or a whole folder, answers {} for a missing path, and never deletes under mlp-registry/', async () => {
    const del = async (artifactPath: string) => {
      const answer = await fetch(`${server.url}/api/2.0/mlflow-artifacts/artifacts/${artifactPath}`, { method: 'DELETE' });
      return { status: answer.status, body: (await answer.json()) as Record<string, unknown> };
    };
    for (const file of ['plots/a.png', 'plots/deep/b.png', 'plotsx.txt', 'keep.txt']) {
      expect((await fetch(`${server.url}${root}/${file}`, { method: 'PUT', body: file })).status).toBe(200);
    }
    const base = root.slice('/api/2.0/mlflow-artifacts/artifacts/'.length);
    const names = async () => {
      const listed = await server.get('/api/2.0/mlflow/artifacts/list', { run_id: runId, path: '' });
      return (listed.body.files as { path: string }[]).map((file) => file.path);
    };
    expect(await del(`${base}/keep.txt`)).toEqual({ status: 200, body: {} });
    expect(await del(`${base}/plots`)).toEqual({ status: 200, body: {} });
    const left = await names();
    expect(left).toContain('plotsx.txt');
    expect(left).not.toContain('plots');
    expect(left).not.toContain('keep.txt');
    expect(await del(`${base}/never-there`)).toEqual({ status: 200, body: {} });
    // Sent raw: fetch would resolve the dot segments before the server saw them.
    expect((await rawRequest(server.url, 'DELETE', `/api/2.0/mlflow-artifacts/artifacts/${base}/../x`)).status).toBe(400);

    await server.workspace.blobs.put('mlflow-artifacts/mlp-registry/models/1/versions/1/model.json', Buffer.from('{}'));
    for (const artifactPath of ['mlp-registry', 'mlp-registry/models/1/versions/1/model.json', 'mlp%2Dregistry/models']) {
      const refused = await del(artifactPath);
      expect(refused.status, artifactPath).toBe(403);
      expect(refused.body.error_code).toBe('PERMISSION_DENIED');
    }
    expect(await server.workspace.blobs.head('mlflow-artifacts/mlp-registry/models/1/versions/1/model.json')).toBeDefined();
  });
});
