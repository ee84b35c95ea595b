import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KubernetesApiStandIn, type StandInEvent, startKubernetesApiStandIn } from './kubernetes-api-stand-in.js';

let api: KubernetesApiStandIn;
const events: StandInEvent[] = [];

beforeAll(async () => {
  api = await startKubernetesApiStandIn({ token: 'secret' });
  api.onEvent((event) => {
    events.push(event);
  });
});
afterAll(async () => {
  await api?.close();
});

async function call(method: string, path: string, body?: unknown, contentType = 'application/json') {
  const response = await fetch(`${api.url}${path}`, {
    method,
    headers: { authorization: 'Bearer secret', ...(body === undefined ? {} : { 'content-type': contentType }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are JSON, checked field by field with expect
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

const deployment = (replicas: number, image = 'mlp:1') => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', labels: { app: 'web', tier: 'serving' } },
  spec: { replicas, template: { spec: { containers: [{ name: 'server', image }] } } },
});

const until = async (check: () => boolean) => {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 5));
};

describe('Kubernetes API stand-in', () => {
  it('refuses a request without the token, as Unauthorized', async () => {
    const response = await fetch(`${api.url}/api/v1/namespaces/default/pods`);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
  });

  it('serves discovery for core and named groups, with status subresources', async () => {
    const apps = await call('GET', '/apis/apps/v1');
    expect(apps.body.resources).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'deployments', kind: 'Deployment', namespaced: true }),
        expect.objectContaining({ name: 'deployments/status' }),
      ]),
    );
    const groups = await call('GET', '/apis');
    expect(groups.body.groups.map((g: { name: string }) => g.name)).toEqual(expect.arrayContaining(['apps', 'batch', 'argoproj.io']));
    expect((await call('GET', '/apis/nothing.example/v1')).status).toBe(404);
  });

  it('creates, refuses a duplicate with AlreadyExists, and answers NotFound as Status objects', async () => {
    const created = await call('POST', '/apis/apps/v1/namespaces/ml/deployments', deployment(1));
    expect(created.status).toBe(201);
    expect(created.body.metadata).toMatchObject({ namespace: 'ml', generation: 1, uid: expect.any(String) });
    const again = await call('POST', '/apis/apps/v1/namespaces/ml/deployments', deployment(1));
    expect(again).toMatchObject({
      status: 409,
      body: { kind: 'Status', status: 'Failure', reason: 'AlreadyExists', message: 'deployments.apps "web" already exists', code: 409 },
    });
    const missing = await call('GET', '/apis/batch/v1/namespaces/ml/jobs/nope');
    expect(missing).toMatchObject({
      status: 404,
      body: { reason: 'NotFound', message: 'jobs.batch "nope" not found', details: { name: 'nope', group: 'batch', kind: 'jobs' } },
    });
    await until(() => events.some((e) => e.type === 'ADDED' && e.object.metadata.name === 'web'));
  });

  it('lists by label selector', async () => {
    await call('POST', '/api/v1/namespaces/ml/configmaps', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'a', labels: { app: 'x', env: 'prod' } },
    });
    await call('POST', '/api/v1/namespaces/ml/configmaps', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'b', labels: { app: 'x' } },
    });
    const names = async (selector: string) =>
      (await call('GET', `/api/v1/namespaces/ml/configmaps?labelSelector=${encodeURIComponent(selector)}`)).body.items.map(
        (item: { metadata: { name: string } }) => item.metadata.name,
      );
    expect(await names('app=x')).toEqual(['a', 'b']);
    expect(await names('app=x,env=prod')).toEqual(['a']);
    expect(await names('!env')).toEqual(['b']);
    expect(await names('env in (prod,dev)')).toEqual(['a']);
    expect(await names('app!=x')).toEqual([]);
  });

  it('server-side apply: bumps generation only on spec changes, keeps status, and refuses another manager without force', async () => {
    const path = '/apis/apps/v1/namespaces/ml/deployments/web';
    const applyAs = (manager: string, body: unknown, force = false) =>
      call('PATCH', `${path}?fieldManager=${manager}${force ? '&force=true' : ''}`, body, 'application/apply-patch+yaml');
    // The creator (a POST, manager "unknown") owns spec.replicas: taking it over needs force.
    expect((await applyAs('mlp', deployment(2))).body).toMatchObject({ reason: 'Conflict', message: expect.stringContaining('"unknown"') });
    expect((await applyAs('mlp', deployment(2), true)).body.metadata.generation).toBe(2);
    api.setStatus('apps/v1', 'Deployment', 'ml', 'web', { observedGeneration: 2, replicas: 2 });
    const same = await applyAs('mlp', deployment(2));
    expect(same.body.metadata.generation).toBe(2);
    expect(same.body.status).toEqual({ observedGeneration: 2, replicas: 2 });
    const conflict = await applyAs('kubectl', deployment(5));
    expect(conflict).toMatchObject({ status: 409, body: { reason: 'Conflict', message: expect.stringContaining('.spec.replicas') } });
    const forced = await applyAs('kubectl', deployment(5), true);
    expect(forced.body.spec.replicas).toBe(5);
    expect(forced.body.metadata.managedFields.map((m: { manager: string }) => m.manager).sort()).toEqual(['kubectl', 'mlp', 'unknown']);
    // A new apply creates; a missing fieldManager is refused.
    const created = await call(
      'PATCH',
      '/apis/apps/v1/namespaces/ml/deployments/other?fieldManager=mlp',
      { ...deployment(1), metadata: { name: 'other' } },
      'application/apply-patch+yaml',
    );
    expect(created.status).toBe(201);
    expect((await call('PATCH', path, deployment(1), 'application/apply-patch+yaml')).status).toBe(422);
  });

  it('writes status only through the status subresource, and merge patches', async () => {
    const path = '/apis/apps/v1/namespaces/ml/deployments/web';
    const before = (await call('GET', path)).body;
    const ignored = await call('PATCH', path, { status: { replicas: 99 } }, 'application/merge-patch+json');
    expect(ignored.body.status.replicas).toBe(5 - 3);
    expect(Number(ignored.body.metadata.resourceVersion)).toBeGreaterThan(Number(before.metadata.resourceVersion));
    const status = await call('PATCH', `${path}/status`, { status: { replicas: 7 } }, 'application/merge-patch+json');
    expect(status.body.status.replicas).toBe(7);
    expect(status.body.metadata.generation).toBe(before.metadata.generation);
    const labels = await call('PATCH', path, { metadata: { labels: { tier: null } } }, 'application/merge-patch+json');
    expect(labels.body.metadata.labels).toEqual({ app: 'web' });
    const stale = await call('PUT', path, { ...deployment(1), metadata: { name: 'web', resourceVersion: '1' } });
    expect(stale).toMatchObject({ status: 409, body: { reason: 'Conflict' } });
    expect((await call('PATCH', path, [], 'application/json-patch+json')).status).toBe(415);
  });

  it('deletes with propagation: Background removes dependents, Orphan keeps them without the owner', async () => {
    const job = async (name: string) =>
      (await call('POST', '/apis/batch/v1/namespaces/ml/jobs', { apiVersion: 'batch/v1', kind: 'Job', metadata: { name }, spec: {} }))
        .body as { metadata: { name: string; uid: string } };
    const pod = (name: string, owner: { metadata: { name: string; uid: string } }) =>
      call('POST', '/api/v1/namespaces/ml/pods', {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: owner.metadata.name, uid: owner.metadata.uid }] },
      });
    const first = await job('first');
    await pod('first-pod', first);
    const deleted = await call('DELETE', '/apis/batch/v1/namespaces/ml/jobs/first?propagationPolicy=Background');
    expect(deleted.body).toMatchObject({ kind: 'Status', status: 'Success', details: { name: 'first' } });
    expect(api.get('v1', 'Pod', 'ml', 'first-pod')).toBeUndefined();
    const second = await job('second');
    await pod('second-pod', second);
    await call('DELETE', '/apis/batch/v1/namespaces/ml/jobs/second');
    expect(api.get('v1', 'Pod', 'ml', 'second-pod')?.metadata.ownerReferences).toEqual([]);
    expect((await call('DELETE', '/apis/batch/v1/namespaces/ml/jobs/second')).status).toBe(404);
    await until(() => events.some((e) => e.type === 'DELETED' && e.object.metadata.name === 'first-pod'));
    expect(api.requests.find((r) => r.method === 'DELETE')?.query).toEqual({ propagationPolicy: 'Background' });
    expect(api.listenerErrors).toEqual([]);
  });
});
