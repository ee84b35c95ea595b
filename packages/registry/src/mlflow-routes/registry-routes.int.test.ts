import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ErrorCode, MlpError } from '@mlp/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRegistryFixture, type RegistryFixture } from '../test-support/registry-fixture.js';
import { createRegistryRoutes } from './registry-routes.js';

// The routes mounted in a bare node:http server, as `mlp server` mounts them: JSON bodies for POST,
// PATCH and DELETE, query objects for GET, errors as MLflow's bodies. The status table mirrors
// @mlp/server's mlflowErrorTable (not imported, so the registry never depends on the server).
const mlflowErrors: Record<ErrorCode, [string, number]> = {
  NOT_FOUND: ['RESOURCE_DOES_NOT_EXIST', 404],
  ALREADY_EXISTS: ['RESOURCE_ALREADY_EXISTS', 400],
  INVALID_ARGUMENT: ['INVALID_PARAMETER_VALUE', 400],
  FAILED_PRECONDITION: ['INVALID_PARAMETER_VALUE', 400],
  CONFLICT: ['RESOURCE_CONFLICT', 409],
  UNAVAILABLE: ['TEMPORARILY_UNAVAILABLE', 503],
  UNAUTHENTICATED: ['UNAUTHENTICATED', 401],
  PERMISSION_DENIED: ['PERMISSION_DENIED', 403],
  INTERNAL: ['INTERNAL_ERROR', 500],
};

function queryObject(raw: string): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    const existing = result[key];
    result[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return result;
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' ? {} : JSON.parse(text);
}

describe('MLflow registry routes over HTTP', () => {
  let fx: RegistryFixture;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    fx = await openRegistryFixture('embedded');
    const routes = createRegistryRoutes(fx.registry);
    server = createServer((req, res) => {
      const [path = '', query = ''] = (req.url ?? '').split('?');
      const route = routes.find((candidate) => `/api/2.0/${candidate.path}` === path && candidate.method === req.method);
      const reply = (status: number, body: unknown) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (!route) return reply(404, { error_code: 'ENDPOINT_NOT_FOUND', message: `No API endpoint at ${path}.` });
      (async () => (req.method === 'GET' ? queryObject(query) : readBody(req)))()
        .then((input) => route.handle(input, { actor: String(req.headers['x-test-actor'] ?? 'anonymous') }))
        .then(
          (body) => reply(200, body),
          (error: unknown) => {
            const [errorCode, status] = MlpError.isInstance(error) ? mlflowErrors[error.code] : mlflowErrors.INTERNAL;
            reply(status, { error_code: errorCode, message: (error as Error).message });
          },
        );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/2.0/mlflow`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    await fx?.cleanup();
  });

  async function call(method: string, path: string, body?: Record<string, unknown>) {
    const url = method === 'GET' && body ? `${base}/${path}?${new URLSearchParams(body as Record<string, string>)}` : `${base}/${path}`;
    const response = await fetch(url, {
      method,
      ...(method !== 'GET' && body ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
    });
    // biome-ignore lint/suspicious/noExplicitAny: response bodies are JSON, checked field by field with expect
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  }

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
      body: { error_code: 'INVALID_PARAMETER_VALUE', message: "Missing value for required parameter 'name'." },
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
    expect(search.body.model_versions.map((version: { version: string }) => version.version)).toEqual(['2', '1']);
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
    expect((await call('GET', 'registered-models/alias', { name: 'iris', alias: 'champion' })).status).toBe(404);

    const moved = await call('POST', 'model-versions/transition-stage', {
      name: 'iris',
      version: '2',
      stage: 'production',
      archive_existing_versions: true,
    });
    expect(moved.body.model_version).toMatchObject({ version: '2', current_stage: 'Production', aliases: ['production'] });
    expect((await call('POST', 'model-versions/transition-stage', { name: 'iris', version: '2', stage: 'Production' })).body.message).toBe(
      "Missing value for required parameter 'archive_existing_versions'.",
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
  });

  it('deletes a version and the aliases on it', async () => {
    await call('POST', 'registered-models/alias', { name: 'iris', alias: 'doomed', version: '1' });
    expect((await call('DELETE', 'model-versions/delete', { name: 'iris', version: '1' })).status).toBe(200);
    expect((await call('GET', 'registered-models/alias', { name: 'iris', alias: 'doomed' })).status).toBe(404);
    expect((await call('DELETE', 'model-versions/delete', { name: 'iris', version: '1' })).status).toBe(404);
    const history = await fx.registry.history('iris');
    expect(history.find((entry) => entry.action === 'model_version.deleted')).toMatchObject({ actor: 'anonymous', version: 1 });
  });
});
