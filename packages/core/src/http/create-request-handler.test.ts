import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MlpError } from '../errors/mlp-error.js';
import { createSilentLogger } from '../logger/logger.js';
import { createBearerAuth } from './bearer-auth.js';
import { createRequestHandler } from './create-request-handler.js';
import { createHostCheck } from './host-check.js';
import { message, string } from './request-fields.js';
import { routeBuilder } from './route.js';

// A package's routes over real HTTP on loopback: path parameters reach the zod input, and every
// failure comes back through the one error path with MLflow's codes and statuses.
const { json } = routeBuilder<{ models: Map<string, string> }>();
const routes = [
  json('GET', 'models/{name}', 'read', message({ name: string.required() }), async ({ name }, { models }) => {
    const stage = models.get(name);
    if (stage === undefined) throw new MlpError('NOT_FOUND', `No model ${name}: register it first.`);
    return { name, stage };
  }),
  json('POST', 'models/{name}/stage', 'write', message({ name: string.required(), stage: string.required() }), async (input, context) => {
    if (context.models.has(input.name) && context.models.get(input.name) === input.stage)
      throw new MlpError('ALREADY_EXISTS', `Model ${input.name} is already in ${input.stage}.`);
    context.models.set(input.name, input.stage);
    return { name: input.name, stage: input.stage, by: context.tokenId ?? null };
  }),
];

let server: Server;
let base: string;
const answered: { method: string; route: string | null; status: number; seconds: number }[] = [];
const token = 'read-only-token-0123456789';

beforeAll(async () => {
  server = createServer(
    createRequestHandler({
      mounts: [{ prefixes: ['/api/mlp/'], routes }],
      services: { models: new Map([['iris', 'None']]) },
      logger: createSilentLogger(),
      auth: createBearerAuth([
        { token, scopes: ['read'] },
        { token: `${token}-write`, scopes: ['read', 'write'] },
      ]),
      hostCheck: createHostCheck('127.0.0.1', []),
      maxBodyBytes: 200,
      onResponse: (request) => answered.push(request),
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/mlp`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function call(method: string, path: string, options: { body?: string; token?: string } = {}) {
  const response = await fetch(`${base}/${path}`, {
    method,
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(options.body === undefined ? {} : { body: options.body }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('createRequestHandler', () => {
  it('passes decoded path parameters into the validated input', async () => {
    expect(await call('GET', 'models/iris', { token })).toEqual({ status: 200, body: { name: 'iris', stage: 'None' } });
    const moved = await call('POST', 'models/iris/stage', { token: `${token}-write`, body: '{"stage":"Staging","name":"ignored"}' });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ name: 'iris', stage: 'Staging' });
    expect(typeof moved.body.by).toBe('string');
  });

  it('maps MlpErrors to MLflow codes and statuses, keeping the mlp code', async () => {
    expect(await call('GET', 'models/nope%20here', { token })).toEqual({
      status: 404,
      body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'No model nope here: register it first.', mlp_error_code: 'NOT_FOUND' },
    });
    const twice = await call('POST', 'models/iris/stage', { token: `${token}-write`, body: '{"stage":"Staging"}' });
    expect(twice).toMatchObject({ status: 400, body: { error_code: 'RESOURCE_ALREADY_EXISTS', mlp_error_code: 'ALREADY_EXISTS' } });
  });

  it('applies auth, scopes, validation and the body limit before any handler runs', async () => {
    expect(await call('GET', 'models/iris')).toMatchObject({ status: 401, body: { error_code: 'UNAUTHENTICATED' } });
    expect(await call('POST', 'models/iris/stage', { token, body: '{"stage":"Production"}' })).toMatchObject({
      status: 403,
      body: { error_code: 'PERMISSION_DENIED' },
    });
    expect(await call('POST', 'models/iris/stage', { token: `${token}-write`, body: '{}' })).toMatchObject({
      status: 400,
      body: { message: "Missing value for required parameter 'stage'. See the API docs for more information about request parameters." },
    });
    const big = JSON.stringify({ stage: 'x'.repeat(300) });
    expect(await call('POST', 'models/iris/stage', { token: `${token}-write`, body: big })).toMatchObject({
      status: 413,
      body: { error_code: 'REQUEST_LIMIT_EXCEEDED' },
    });
    expect(await call('GET', 'models', { token })).toMatchObject({ status: 404, body: { error_code: 'ENDPOINT_NOT_FOUND' } });
    expect(await call('GET', 'models')).toMatchObject({ status: 401, body: { error_code: 'UNAUTHENTICATED' } });
  });
});

describe('onResponse', () => {
  it('reports each answered request with its route template (not its path) and status', async () => {
    answered.length = 0;
    await call('GET', 'models/iris', { token });
    await call('GET', 'models/unknown-model', { token });
    await call('GET', 'nothing/here', { token });
    // Reported when the response closes, which may follow the client's read.
    while (answered.length < 3) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(answered.map(({ method, route, status }) => [method, route, status])).toEqual([
      ['GET', 'models/{name}', 200],
      ['GET', 'models/{name}', 404],
      ['GET', null, 404],
    ]);
    expect(answered.every((request) => request.seconds >= 0)).toBe(true);
  });
});
