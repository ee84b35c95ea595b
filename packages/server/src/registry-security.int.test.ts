import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createTempDir, type TempDir } from '@mlp/core/testing';
import { openRegistry, type Registry } from '@mlp/registry';
import { createTracking, type Tracking } from '@mlp/tracking';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './test-support/test-server.js';

const token = 'registry-security-0123456789';
const auth = { authorization: `Bearer ${token}` };

// Issue 12 against mlp server over HTTP: what a caller with the write scope must not be able to do.
describe('registry security on mlp server', () => {
  let server: TestServer;
  let registry: Registry; // a second registry on the server's workspace, for gates (no REST route sets them)
  let tracking: Tracking;
  let secrets: TempDir;

  beforeAll(async () => {
    server = await startTestServer({ withRegistry: true, tokens: [{ token, scopes: ['read', 'write'] }] });
    registry = await openRegistry(server.workspace, { env: {} });
    tracking = createTracking(server.workspace, { store: server.tracking, captureProvenance: false, handleSignals: false });
    secrets = await createTempDir('mlp-secrets-');
    await mkdir(path.join(secrets.path, 'model'));
    await writeFile(path.join(secrets.path, 'model', 'credentials.txt'), 'TOP-SECRET-VALUE');
  });
  afterAll(async () => {
    await tracking?.close();
    await registry?.close();
    await server?.stop();
    await secrets?.remove();
  });

  async function trainedRun(auc: number, tags: Record<string, string> = {}): Promise<string> {
    return tracking.withRun({ name: `auc-${auc}`, tags }, async (run) => {
      run.logMetric('auc', auc);
      await run.logArtifact(new TextEncoder().encode(`{"auc":${auc}}`), { path: 'model/model.json' });
      return run.runId;
    });
  }

  const createVersion = (name: string, source: string) => server.post('/api/2.0/mlflow/model-versions/create', { name, source }, auth);

  it('refuses to register a folder of the server machine over REST (a path, file:// or ..), copying nothing', async () => {
    await server.post('/api/2.0/mlflow/registered-models/create', { name: 'leaky' }, auth);
    const folder = path.join(secrets.path, 'model');
    for (const source of [folder, `file://${folder}`, `${secrets.path}/model/../model`, secrets.path]) {
      const answer = await createVersion('leaky', source);
      expect(answer.status, source).toBe(403);
      expect(answer.body).toMatchObject({ error_code: 'PERMISSION_DENIED', mlp_error_code: 'PERMISSION_DENIED' });
      expect(answer.body.message).toContain('runs:/<run id>/<path>');
    }
    expect(await registry.listVersions('leaky')).toEqual([]);
    for await (const blob of server.workspace.blobs.list('')) {
      expect(new TextDecoder().decode(await server.workspace.blobs.getBytes(blob.key))).not.toContain('TOP-SECRET');
    }
    // The run's model over REST still registers.
    const runId = await trainedRun(0.9);
    expect((await createVersion('leaky', `runs:/${runId}/model`)).body.model_version).toMatchObject({ version: '1', status: 'READY' });
  });

  it('keeps registered versions read-only on the artifact routes: no overwrite, no added file, no delete', async () => {
    await server.post('/api/2.0/mlflow/registered-models/create', { name: 'frozen' }, auth);
    const runId = await trainedRun(0.85);
    expect((await createVersion('frozen', `runs:/${runId}/model`)).status).toBe(200);
    const uri = (await server.get('/api/2.0/mlflow/model-versions/get-download-uri', { name: 'frozen', version: '1' }, auth)).body
      .artifact_uri as string;
    const folder = uri.replace('mlflow-artifacts:/', '');
    const artifacts = `${server.url}/api/2.0/mlflow-artifacts/artifacts`;
    const put = (artifactPath: string) => fetch(`${artifacts}/${artifactPath}`, { method: 'PUT', headers: auth, body: 'tampered' });

    const attempts = [
      `${folder}/model.json`, // overwrite a registered file
      `${folder}/extra.bin`, // add one to the version
      `${folder.replace('/versions/1', '/versions/2')}/model.json`, // seed the next version before it is registered
      `mlp%2Dregistry/${folder.slice('mlp-registry/'.length)}/model.json`, // the prefix percent-encoded
    ];
    for (const artifactPath of attempts) {
      const answer = await put(artifactPath);
      expect(answer.status, artifactPath).toBe(403);
      expect(await answer.json()).toMatchObject({ error_code: 'PERMISSION_DENIED' });
    }
    const removed = await fetch(`${artifacts}/${folder}/model.json`, { method: 'DELETE', headers: auth });
    expect(removed.ok).toBe(false);

    // MLflow clients list and download exactly what was registered, and the registry's hash check passes.
    const listing = await server.get('/api/2.0/mlflow-artifacts/artifacts', { path: folder }, auth);
    expect((listing.body.files as { path: string }[]).map((file) => file.path)).toEqual(['model.json']);
    expect(await (await fetch(`${artifacts}/${folder}/model.json`, { headers: auth })).text()).toBe('{"auc":0.85}');
    await expect(registry.download('frozen/1', path.join(secrets.path, 'download'))).resolves.toMatchObject({ files: 1 });
    // Uploads elsewhere still work.
    expect((await put(`0/${runId}/artifacts/notes.txt`)).status).toBe(200);
  });

  it('set-alias and transition-stage move a gated alias only through its gates; the SDK forces only with a reason', async () => {
    await server.post('/api/2.0/mlflow/registered-models/create', { name: 'gated' }, auth);
    const validated = await trainedRun(0.91, { 'mlp.validation.success': 'true' });
    expect((await createVersion('gated', `runs:/${validated}/model`)).status).toBe(200);
    expect((await createVersion('gated', `runs:/${await trainedRun(0.42)}/model`)).status).toBe(200);
    await registry.setGates('gated', ['metrics.auc >= 0.8', { type: 'data-validated', aliases: ['champion'] }]);

    const setAlias = (alias: string, version: string) =>
      server.post('/api/2.0/mlflow/registered-models/alias', { name: 'gated', alias, version }, auth);
    const transition = (version: string, stage: string) =>
      server.post(
        '/api/2.0/mlflow/model-versions/transition-stage',
        { name: 'gated', version, stage, archive_existing_versions: true },
        auth,
      );
    for (const blocked of [await setAlias('champion', '2'), await transition('2', 'Production'), await transition('2', 'Staging')]) {
      expect(blocked.status).toBe(400);
      expect(blocked.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE', mlp_error_code: 'FAILED_PRECONDITION' });
      expect(blocked.body.message).toContain('metrics.auc >= 0.8');
    }
    expect((await registry.getModel('gated')).aliases).toEqual({});

    expect((await setAlias('champion', '1')).status).toBe(200);
    expect((await transition('1', 'Production')).body.model_version).toMatchObject({ version: '1', current_stage: 'Production' });
    // Stages and aliases are independent (as in MLflow): the transition moved no alias.
    expect((await registry.getModel('gated')).aliases).toEqual({ champion: 1 });

    // The SDK and CLI path: blocked too, and a forced move needs a reason, which the audit log keeps.
    await expect(registry.setAlias('gated', 'production', 2)).rejects.toMatchObject({ code: 'FAILED_PRECONDITION' });
    await expect(registry.transitionStage('gated', 2, 'Production', { force: true })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await registry.transitionStage('gated', 2, 'Production', { force: true, reason: 'incident 42 rollback test', actor: 'oncall' });
    expect((await registry.getModel('gated')).aliases).toEqual({ champion: 1 });
    expect((await registry.latestVersions('gated', ['Production'])).map((version) => version.version)).toEqual([2]);

    const history = await registry.history('gated');
    const blocked = history.filter((entry) => entry.action === 'promotion.blocked');
    // Transitions are judged by the gates guarding their stage; the audit names the stage, not an alias.
    expect(blocked.map((entry) => entry.details.alias ?? entry.details.stage)).toEqual(['champion', 'Production', 'Staging', 'production']);
    // Who asked over REST is the token's id (8 hex digits), recorded with every blocked attempt.
    expect(blocked.slice(0, 3).every((entry) => /^[0-9a-f]{8}$/.test(entry.actor))).toBe(true);
    expect(history.at(-1)).toMatchObject({ action: 'promotion.forced', actor: 'oncall', reason: 'incident 42 rollback test', version: 2 });
    expect(history.some((entry) => entry.action === 'alias.set')).toBe(false);
  });
});
