import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MlpError } from '../errors/mlp-error.js';
import { createSilentLogger } from '../logger/logger.js';
import { createBearerAuth } from './bearer-auth.js';
import { createRequestHandler } from './create-request-handler.js';
import { createHostCheck } from './host-check.js';
import { message } from './request-fields.js';
import { routeBuilder } from './route.js';

// Two protocols on one server: the OIP-style mount shapes its errors `{"error": "..."}`, the other
// keeps MLflow's body; a path no route matches takes the mount with the longest prefix of it.
const { json } = routeBuilder<object>();
const fail = async (): Promise<object> => {
  throw new MlpError('NOT_FOUND', 'No model iris: load it first.');
};

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer(
    createRequestHandler({
      mounts: [
        { prefixes: ['/api/2.0/'], routes: [json('GET', 'mlflow/thing', 'read', message({}), fail)] },
        {
          prefixes: ['/v2/'],
          routes: [json('GET', 'models/{name}', 'read', message({}), fail)],
          formatError: (answer) => ({
            status: answer.status,
            headers: { ...answer.headers, 'x-shaped': 'oip' },
            body: { error: answer.body.message },
          }),
        },
      ],
      services: {},
      logger: createSilentLogger(),
      auth: createBearerAuth(undefined),
      hostCheck: createHostCheck('127.0.0.1', []),
      maxBodyBytes: 200,
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function get(path: string) {
  const response = await fetch(`${base}${path}`);
  return { status: response.status, shaped: response.headers.get('x-shaped'), body: (await response.json()) as unknown };
}

describe('a mount with formatError', () => {
  it("shapes its routes' errors and leaves other mounts MLflow-shaped", async () => {
    expect(await get('/v2/models/iris')).toEqual({ status: 404, shaped: 'oip', body: { error: 'No model iris: load it first.' } });
    expect(await get('/api/2.0/mlflow/thing')).toMatchObject({
      status: 404,
      shaped: null,
      body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'No model iris: load it first.' },
    });
  });

  it('shapes errors on unmatched paths under its prefix', async () => {
    expect(await get('/v2/nothing/here')).toMatchObject({
      status: 404,
      shaped: 'oip',
      body: { error: 'No API endpoint at /v2/nothing/here.' },
    });
    expect(await get('/elsewhere')).toMatchObject({ status: 404, shaped: null, body: { error_code: 'ENDPOINT_NOT_FOUND' } });
  });
});
