import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createBearerAuth, createHostCheck, createRequestHandler, type Route } from '@mlp/core/http';
import { openTestWorkspace, type TestWorkspace } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entity } from '../definitions/entity.js';
import { featureView } from '../definitions/feature-view.js';
import { openFeatureRegistry } from '../registry/open-feature-registry.js';
import { type FeatureService, openFeatureService } from './open-feature-service.js';

const readToken = 'read-token-0123456789abcdef';
const route = featureView({
  name: 'route_stats',
  entities: [entity({ name: 'route', joinKeys: { origin: 'string', hour: 'int64' } })],
  source: { table: 'route_events' },
  timestampColumn: 'ts',
  ttl: 0,
  features: { delay: 'float64', busy: 'bool' },
});

async function serve(test: TestWorkspace, routes: Route[]): Promise<{ server: Server; url: string }> {
  const handler = createRequestHandler({
    mounts: [{ prefixes: ['/api/2.0/'], routes }],
    services: {},
    logger: test.workspace.logger,
    auth: createBearerAuth([{ token: readToken, scopes: ['read'] }]),
    hostCheck: createHostCheck('127.0.0.1', []),
    maxBodyBytes: 16 * 1024 * 1024,
  });
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function post(url: string, body: unknown, token: string | null = readToken) {
  const answer = await fetch(`${url}/api/2.0/mlp/features/online`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: answer.status, body: (await answer.json()) as Record<string, unknown> };
}

describe('POST /api/2.0/mlp/features/online', () => {
  let test: TestWorkspace;
  let service: FeatureService;
  let down: FeatureService;
  let servers: Server[] = [];
  let url: string;
  let downUrl: string;
  beforeAll(async () => {
    test = await openTestWorkspace('embedded', 'mlp-features-routes-');
    const { workspace } = test;
    await workspace.db.query('create table route_events (origin text, hour int, ts timestamptz, delay double precision, busy boolean)');
    await workspace.db.query(
      `insert into route_events values ('JFK', 7, now() - interval '1 hour', 12.5, true), ('LAX', 7, now() - interval '1 hour', 3, false)`,
    );
    await (await openFeatureRegistry(workspace)).apply([route]);
    service = await openFeatureService(workspace, { url: 'workspace' });
    await service.online.materialize('route_stats');
    // The same routes over a Redis nobody listens at (port 1 is never a Redis).
    down = await openFeatureService(workspace, { url: 'redis://127.0.0.1:1' });
    const up = await serve(test, service.routes);
    const gone = await serve(test, down.routes);
    servers = [up.server, gone.server];
    url = up.url;
    downUrl = gone.url;
  }, 60_000);
  afterAll(async () => {
    for (const server of servers) await new Promise((resolve) => server.close(resolve));
    await service?.close();
    await down?.close();
    await test?.cleanup();
  });

  it('answers the features of each entity in order, null for one never materialised', async () => {
    const answer = await post(url, {
      view: 'route_stats',
      entity_keys: [
        { origin: 'LAX', hour: 7 },
        { origin: 'JFK', hour: '7' },
        { origin: 'SFO', hour: 7 },
      ],
    });
    expect(answer).toEqual({
      status: 200,
      body: { view: 'route_stats', results: [{ delay: 3, busy: false }, { delay: 12.5, busy: true }, null] },
    });
    const some = await post(url, { view: 'route_stats', entity_keys: [{ origin: 'JFK', hour: 7 }], features: ['busy'] });
    expect(some.body.results).toEqual([{ busy: true }]);
  });

  it('needs a token with the read scope', async () => {
    expect((await post(url, { view: 'route_stats', entity_keys: [{ origin: 'JFK', hour: 7 }] }, null)).status).toBe(401);
  });

  it('refuses bad requests with the status of their error: unknown view or feature 404, bad body or key 400', async () => {
    expect((await post(url, { view: 'nope', entity_keys: [{ origin: 'JFK', hour: 7 }] })).status).toBe(404);
    expect((await post(url, { view: 'route_stats', entity_keys: [{ origin: 'JFK', hour: 7 }], features: ['nope'] })).status).toBe(404);
    const missing = await post(url, { view: 'route_stats', entity_keys: [{ origin: 'JFK' }] });
    expect(missing.status).toBe(400);
    expect(JSON.stringify(missing.body)).toContain('hour');
    expect((await post(url, { view: 'route_stats', entity_keys: [] })).status).toBe(400);
    expect((await post(url, { view: 'route_stats', entity_keys: [{ origin: 'JFK', hour: 7 }], extra: 1 })).status).toBe(400);
    expect((await post(url, '{"view": ')).status).toBe(400);
  });

  it('refuses a body over its 1 MiB limit before reading it', async () => {
    const keys = Array.from({ length: 9000 }, (_, i) => ({ origin: `${'X'.repeat(120)}${i}`, hour: i }));
    expect((await post(url, { view: 'route_stats', entity_keys: keys })).status).toBe(413);
  });

  it('answers 503 when the Redis online store cannot be reached, without the server going down', async () => {
    const answer = await post(downUrl, { view: 'route_stats', entity_keys: [{ origin: 'JFK', hour: 7 }] });
    expect(answer.status).toBe(503);
    expect(JSON.stringify(answer.body)).toContain('MLP_FEATURES_ONLINE_URL');
    expect((await post(url, { view: 'route_stats', entity_keys: [{ origin: 'JFK', hour: 7 }] })).status).toBe(200);
  });
});
