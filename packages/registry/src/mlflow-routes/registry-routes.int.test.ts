import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createSilentLogger } from '@mlp/core';
import { createBearerAuth, createHostCheck, createRequestHandler } from '@mlp/core/http';
import { createTempDir, type TempDir } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRegistryFixture, type RegistryFixture } from '../test-support/registry-fixture.js';
import { createRegistryRoutes } from './registry-routes.js';

/**
 * The routes in a bare node:http server on a free port, mounted through the HTTP layer as `mlp server`
 * mounts them, without tokens; `base` is the MLflow API root. The audit log's actor is what a token
 * id would be, given as a service here.
 */
async function serveRoutes(registry: RegistryFixture['registry']): Promise<{ base: string; close(): Promise<void> }> {
  const server: Server = createServer(
    createRequestHandler({
      mounts: [{ prefixes: ['/api/2.0/'], routes: createRegistryRoutes(registry) }],
      services: { tokenId: 'anonymous' },
      logger: createSilentLogger(),
      auth: createBearerAuth(undefined),
      hostCheck: createHostCheck('127.0.0.1', []),
      maxBodyBytes: 1024 * 1024,
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/2.0/mlflow`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function callAt(base: string, method: string, path: string, body?: Record<string, unknown>) {
  const url = method === 'GET' && body ? `${base}/${path}?${new URLSearchParams(body as Record<string, string>)}` : `${base}/${path}`;
  const response = await fetch(url, {
    method,
    ...(method !== 'GET' && body ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
  });
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are JSON, checked field by field with expect
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

describe('MLflow registry routes over HTTP', () => {
  let fx: RegistryFixture;
  let served: Awaited<ReturnType<typeof serveRoutes>>;

  beforeAll(async () => {
    fx = await openRegistryFixture('embedded');
    served = await serveRoutes(fx.registry);
  });
  afterAll(async () => {
    await served?.close();
    await fx?.cleanup();
  });

  const call = (method: string, path: string, body?: Record<string, unknown>) => callAt(served.base, method, path, body);

  it('registered models: create, get, update, rename, tags, search, delete', async () => {
    const created = await call('POST', 'registered-models/create', {
      name: 'iris',
      description: 'flowers',
      tags: [{ key: 'team', value: 'bio' }],
    });
    expect(created.status).toBe(200);
    expect(created.body.registered_model).toMatchObject({
      name: 'iris',
      description: 'flowers',
      tags: [{ key: 'team', value: 'bio' }],
      aliases: [],
    });
    expect(typeof created.body.registered_model.creation_timestamp).toBe('number');

    const again = await call('POST', 'registered-models/create', { name: 'iris' });
    expect(again).toMatchObject({ status: 400, body: { error_code: 'RESOURCE_ALREADY_EXISTS' } });
    expect(await call('POST', 'registered-models/create', {})).toMatchObject({
      status: 400,
      body: {
        error_code: 'INVALID_PARAMETER_VALUE',
        message: "Missing value for required parameter 'name'. See the API docs for more information about request parameters.",
      },
    });
    expect(await call('GET', 'registered-models/get', { name: 'nope' })).toMatchObject({
      status: 404,
      body: { error_code: 'RESOURCE_DOES_NOT_EXIST' },
    });

    expect(
      (await call('PATCH', 'registered-models/update', { name: 'iris', description: 'petals' })).body.registered_model.description,
    ).toBe('petals');
    expect((await call('POST', 'registered-models/set-tag', { name: 'iris', key: 'stage', value: 'beta' })).status).toBe(200);
    expect((await call('DELETE', 'registered-models/delete-tag', { name: 'iris', key: 'team' })).status).toBe(200);
    expect((await call('GET', 'registered-models/get', { name: 'iris' })).body.registered_model.tags).toEqual([
      { key: 'stage', value: 'beta' },
    ]);

    await call('POST', 'registered-models/create', { name: 'wine' });
    await call('POST', 'registered-models/create', { name: 'iris-old' });
    const search = await call('GET', 'registered-models/search', { filter: "name LIKE 'iris%'", max_results: '1' });
    expect(search.body.registered_models.map((model: { name: string }) => model.name)).toEqual(['iris']);
    const next = await call('GET', 'registered-models/search', {
      filter: "name LIKE 'iris%'",
      max_results: '1',
      page_token: search.body.next_page_token,
    });
    expect(next.body.registered_models.map((model: { name: string }) => model.name)).toEqual(['iris-old']);
    expect(next.body.next_page_token).toBeUndefined();
    expect((await call('GET', 'registered-models/search', { filter: 'bogus' })).body.error_code).toBe('INVALID_PARAMETER_VALUE');

    expect((await call('POST', 'registered-models/rename', { name: 'wine', new_name: 'vino' })).body.registered_model.name).toBe('vino');
    expect((await call('DELETE', 'registered-models/delete', { name: 'vino' })).status).toBe(200);
    expect((await call('GET', 'registered-models/get', { name: 'vino' })).status).toBe(404);
  });

  it('model versions: create as MLflow clients send it, get, update, search, download URI, tags', async () => {
    const runId = await fx.trainedRun({ metrics: { acc: 0.9 } });
    const run = await fx.tracking.getRun(runId);
    // The Python client sends the run's artifact location and the run id.
    const created = await call('POST', 'model-versions/create', {
      name: 'iris',
      source: `${run.artifactUri}/model`,
      run_id: runId,
      tags: [{ key: 'k', value: 'v' }],
    });
    expect(created.status).toBe(200);
    expect(created.body.model_version).toMatchObject({
      name: 'iris',
      version: '1',
      run_id: runId,
      status: 'READY',
      current_stage: 'None',
      source: `runs:/${runId}/model`,
      tags: [{ key: 'k', value: 'v' }],
      aliases: [],
    });
    const second = await call('POST', 'model-versions/create', { name: 'iris', source: `runs:/${runId}/model` });
    expect(second.body.model_version.version).toBe('2');
    expect(await call('POST', 'model-versions/create', { name: 'ghost', source: `runs:/${runId}/model` })).toMatchObject({
      status: 404,
      body: { error_code: 'RESOURCE_DOES_NOT_EXIST' },
    });
    const bare = await fx.trainedRun({ model: false });
    expect(await call('POST', 'model-versions/create', { name: 'iris', source: `runs:/${bare}/model` })).toMatchObject({
      status: 400,
      body: { error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining('has no model artifact') },
    });

    expect((await call('GET', 'model-versions/get', { name: 'iris', version: '1' })).body.model_version.version).toBe('1');
    expect((await call('GET', 'model-versions/get', { name: 'iris', version: '9' })).status).toBe(404);
    expect((await call('GET', 'model-versions/get', { name: 'iris', version: 'one' })).body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(
      (await call('PATCH', 'model-versions/update', { name: 'iris', version: '1', description: 'first' })).body.model_version.description,
    ).toBe('first');
    await call('POST', 'model-versions/set-tag', { name: 'iris', version: '2', key: 'note', value: 'x' });
    await call('DELETE', 'model-versions/delete-tag', { name: 'iris', version: '1', key: 'k' });
    expect((await call('GET', 'model-versions/get', { name: 'iris', version: '1' })).body.model_version.tags).toEqual([]);

    const search = await call('GET', 'model-versions/search', { filter: `name='iris' AND run_id='${runId}'` });
    // MLflow's default order is last_updated_timestamp DESC: version 1's description changed last.
    expect(search.body.model_versions.map((version: { version: string }) => version.version)).toEqual(['1', '2']);
    const uri = await call('GET', 'model-versions/get-download-uri', { name: 'iris', version: '1' });
    expect(uri.body.artifact_uri).toMatch(/^mlflow-artifacts:\/mlp-registry\/models\/\d+\/versions\/1$/);
    const key = `${(uri.body.artifact_uri as string).replace('mlflow-artifacts:/', 'mlflow-artifacts/')}/model.onnx`;
    expect(new TextDecoder().decode(await fx.workspace.blobs.getBytes(key))).toBe(`weights-${runId}`);
  });

  it('aliases and stages: set, get by alias, delete, transition-stage, get-latest-versions', async () => {
    expect((await call('POST', 'registered-models/alias', { name: 'iris', alias: 'champion', version: '1' })).status).toBe(200);
    expect((await call('GET', 'registered-models/alias', { name: 'iris', alias: 'champion' })).body.model_version).toMatchObject({
      version: '1',
      aliases: ['champion'],
    });
    expect((await call('POST', 'registered-models/alias', { name: 'iris', alias: 'latest', version: '1' })).body.error_code).toBe(
      'INVALID_PARAMETER_VALUE',
    );
    expect((await call('POST', 'registered-models/alias', { name: 'iris', alias: 'champion', version: '7' })).status).toBe(404);
    expect((await call('GET', 'registered-models/get', { name: 'iris' })).body.registered_model.aliases).toEqual([
      { alias: 'champion', version: '1' },
    ]);
    expect((await call('DELETE', 'registered-models/alias', { name: 'iris', alias: 'champion' })).status).toBe(200);
    expect((await call('GET', 'registered-models/alias', { name: 'iris', alias: 'champion' })).status).toBe(400);

    const moved = await call('POST', 'model-versions/transition-stage', {
      name: 'iris',
      version: '2',
      stage: 'production',
      archive_existing_versions: true,
    });
    // A stage is the version's own (MLflow's current_stage): no alias moves with it.
    expect(moved.body.model_version).toMatchObject({ version: '2', current_stage: 'Production', aliases: [] });
    expect((await call('POST', 'model-versions/transition-stage', { name: 'iris', version: '2', stage: 'Production' })).body.message).toBe(
      "Missing value for required parameter 'archive_existing_versions'. See the API docs for more information about request parameters.",
    );
    expect(
      (
        await call('POST', 'model-versions/transition-stage', {
          name: 'iris',
          version: '2',
          stage: 'Live',
          archive_existing_versions: false,
        })
      ).status,
    ).toBe(400);
    const latest = await call('POST', 'registered-models/get-latest-versions', { name: 'iris', stages: ['Production'] });
    expect(latest.body.model_versions.map((version: { version: string }) => version.version)).toEqual(['2']);
    const viaGet = await call('GET', 'registered-models/get-latest-versions', { name: 'iris' });
    expect(viaGet.body.model_versions.map((version: { current_stage: string }) => version.current_stage)).toEqual(['None', 'Production']);
    expect((await call('GET', 'registered-models/get', { name: 'iris' })).body.registered_model.latest_versions).toHaveLength(2);

    const archiving = (stage: string) =>
      call('POST', 'model-versions/transition-stage', { name: 'iris', version: '1', stage, archive_existing_versions: true });
    expect((await archiving('Archived')).body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
    expect((await archiving('Production')).body.model_version).toMatchObject({ version: '1', current_stage: 'Production' });
    const all = await call('GET', 'registered-models/get-latest-versions', { name: 'iris' });
    expect(
      all.body.model_versions.map((version: { version: string; current_stage: string }) => [version.version, version.current_stage]),
    ).toEqual([
      ['1', 'Production'],
      ['2', 'Archived'],
    ]);
  });

  it('deletes a version and the aliases on it', async () => {
    await call('POST', 'registered-models/alias', { name: 'iris', alias: 'doomed', version: '1' });
    expect((await call('DELETE', 'model-versions/delete', { name: 'iris', version: '1' })).status).toBe(200);
    expect((await call('GET', 'registered-models/alias', { name: 'iris', alias: 'doomed' })).status).toBe(400);
    expect((await call('DELETE', 'model-versions/delete', { name: 'iris', version: '1' })).status).toBe(404);
    const history = await fx.registry.history('iris');
    expect(history.find((entry) => entry.action === 'model_version.deleted')).toMatchObject({ actor: 'anonymous', version: 1 });
  });
});

// Sources over REST: what the server owns, and local folders only inside the ones an administrator allows.
describe('model-versions/create sources over HTTP', () => {
  let fx: RegistryFixture;
  let served: Awaited<ReturnType<typeof serveRoutes>>;
  let folders: TempDir;
  let allowed: string;
  let secrets: string;

  beforeAll(async () => {
    folders = await createTempDir('mlp-sources-');
    allowed = path.join(folders.path, 'allowed');
    secrets = path.join(folders.path, 'secrets');
    fx = await openRegistryFixture('embedded', { sourceFolders: [allowed], env: {} });
    await mkdir(path.join(allowed, 'good', 'nested'), { recursive: true });
    await writeFile(path.join(allowed, 'good', 'model.onnx'), 'good-weights');
    await writeFile(path.join(allowed, 'good', 'nested', 'vocab.txt'), 'a b c');
    await mkdir(secrets, { recursive: true });
    await writeFile(path.join(secrets, 'key.pem'), 'SECRET-KEY');
    await symlink(path.join(secrets, 'key.pem'), path.join(allowed, 'good', 'leak.pem')); // a link inside an allowed model
    await symlink(secrets, path.join(allowed, 'linked')); // a linked folder that leads out
    served = await serveRoutes(fx.registry);
    await callAt(served.base, 'POST', 'registered-models/create', { name: 'src' });
  });
  afterAll(async () => {
    await served?.close();
    await fx?.cleanup();
    await folders?.remove();
  });

  const create = (source: string, extra: Record<string, unknown> = {}) =>
    callAt(served.base, 'POST', 'model-versions/create', { name: 'src', source, ...extra });

  it('registers a folder inside an allowed one (by path or file:// URL), without the links in it', async () => {
    const byPath = await create(path.join(allowed, 'good'));
    expect(byPath).toMatchObject({ status: 200, body: { model_version: { status: 'READY' } } });
    const uri = await fx.registry.downloadUri('src', Number(byPath.body.model_version.version));
    const prefix = `${uri.replace('mlflow-artifacts:/', 'mlflow-artifacts/')}/`;
    const stored: string[] = [];
    for await (const blob of fx.workspace.blobs.list(prefix)) stored.push(blob.key.slice(prefix.length));
    expect(stored.sort()).toEqual(['model.onnx', 'nested/vocab.txt']);
    expect((await create(pathToFileURL(path.join(allowed, 'good')).href)).status).toBe(200);
  });

  it('refuses folders outside the allowed ones: .., a symlinked folder, a relative path, file:// elsewhere', async () => {
    for (const source of [
      path.join(allowed, '..', 'secrets'),
      `${allowed}/../secrets`,
      path.join(allowed, 'linked'),
      'secrets',
      pathToFileURL(secrets).href,
      '/etc',
    ]) {
      const answer = await create(source);
      expect(answer, source).toMatchObject({ status: 403, body: { error_code: 'PERMISSION_DENIED' } });
      // No server path comes back that the caller did not send (the allowed folders, where a link leads).
      for (const serverPath of [allowed, secrets]) if (!source.includes(serverPath)) expect(answer.body.message).not.toContain(serverPath);
    }
    for await (const blob of fx.workspace.blobs.list('')) {
      expect(new TextDecoder().decode(await fx.workspace.blobs.getBytes(blob.key))).not.toContain('SECRET-KEY');
    }
  });

  it("takes what the server owns: runs:/, a run's mlflow-artifacts: location, models:/ copies; refuses other schemes", async () => {
    const runId = await fx.trainedRun();
    const run = await fx.tracking.getRun(runId);
    expect((await create(`runs:/${runId}/model`)).status).toBe(200);
    const byLocation = await create(`${run.artifactUri}/model`, { run_id: runId });
    expect(byLocation.body.model_version).toMatchObject({ status: 'READY', source: `runs:/${runId}/model` });
    const copy = await create(`models:/src/${byLocation.body.model_version.version}`);
    expect(copy.body.model_version).toMatchObject({ status: 'READY', run_id: runId });
    const copied = await fx.registry.getVersion('src', Number(copy.body.model_version.version));
    expect(copied.contentHash).toBe((await fx.registry.getVersion('src', Number(byLocation.body.model_version.version))).contentHash);
    const plain = await create(`${run.artifactUri}/model/config`);
    expect(plain.body.model_version).toMatchObject({ status: 'READY', source: `${run.artifactUri}/model/config` });
    for (const source of ['s3://bucket/model', 'http://169.254.169.254/latest/', 'hdfs:/x']) {
      expect(await create(source), source).toMatchObject({ status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE' } });
    }
    expect(await create('mlflow-artifacts:/../../etc')).toMatchObject({ status: 400 });
  });
});
