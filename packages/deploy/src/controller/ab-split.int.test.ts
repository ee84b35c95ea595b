import { openTestWorkspace, type TestWorkspace } from '@mlp/core/testing';
import type { Registry } from '@mlp/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDeployment } from '../deployment/deployment-operations.js';
import { getDeployment } from '../deployment/deployment-store.js';
import { type DeploymentController, startDeploymentController } from './deployment-controller.js';
import { cliServeCommand, denseModel, openTestRegistry, registerModel, serveEnv, until } from './test-support/deploy-fixture.js';

let test: TestWorkspace;
let registry: Registry;
let controller: DeploymentController;
const versions = { one: 0, two: 0, three: 0 };

beforeAll(async () => {
  test = await openTestWorkspace('postgres', 'mlp-deploy-ab-');
  registry = await openTestRegistry(test.workspace);
  const dir = test.workspace.config.dir;
  versions.one = await registerModel(registry, dir, 'flights', denseModel(1));
  versions.two = await registerModel(registry, dir, 'flights', denseModel(2));
  versions.three = await registerModel(registry, dir, 'flights', denseModel(3));
  await registry.setAlias('flights', 'champion', versions.one);
  await registry.setAlias('flights', 'challenger', versions.two);
  await registry.setTrafficSplit('flights', { champion: 70, challenger: 30 });
  controller = await startDeploymentController(test.workspace, {
    pollIntervalMs: 200,
    serveCommand: cliServeCommand(),
    env: serveEnv(test.workspace),
    registry,
  });
}, 120_000);

afterAll(async () => {
  await controller?.close();
  await registry?.close();
  await test?.cleanup();
});

const show = () => getDeployment(test.workspace, 'flights-ab');

/** The revision each key's two requests went to (they must agree unless `switching`: traffic may move between them). */
async function revisionsByKey(endpoint: string, keys: string[], switching = false): Promise<Record<string, string>> {
  const seen: Record<string, string> = {};
  for (const key of keys)
    for (let again = 0; again < 2; again++) {
      const response = await fetch(`${endpoint}/v2/models/flights/infer`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-mlp-request-key': key },
        body: JSON.stringify({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: [1, 2, 3, 4] }] }),
      });
      expect(response.status).toBe(200);
      await response.arrayBuffer();
      const revision = response.headers.get('x-mlp-deployment-revision') as string;
      if (again === 1 && !switching) expect(revision).toBe(seen[key]);
      seen[key] = revision;
    }
  return seen;
}

describe('an A/B deployment of a weighted alias set', () => {
  it('serves each alias as a variant, sticky by the request key, with per-variant metrics, and follows a variant whose alias moves', async () => {
    await expect(
      addDeployment(test.workspace, registry, { name: 'nope', model: 'models:/flights@champion', trafficSplit: 'missing' }),
    ).rejects.toThrow(/no traffic split 'missing'/);
    await addDeployment(test.workspace, registry, { name: 'flights-ab', model: 'models:/flights@champion', trafficSplit: 'default' });
    const ready = await until(show, (d) => d.status === 'healthy');
    expect(ready.revisions.map((rev) => [rev.variant, rev.modelVersion, rev.weight, rev.status])).toEqual([
      ['champion', versions.one, 70, 'stable'],
      ['challenger', versions.two, 30, 'stable'],
    ]);
    const keys = Array.from({ length: 40 }, (_, i) => `customer-${i}`);
    const before = await revisionsByKey(ready.endpoint as string, keys);
    expect(new Set(Object.values(before))).toEqual(new Set(['1', '2']));
    const metrics = await (await fetch(`${ready.endpoint}/metrics`)).text();
    const onChallenger = keys.filter((key) => before[key] === '2').length;
    expect(metrics).toContain(
      `mlp_deploy_router_requests_total{deployment="flights-ab",revision="2",variant="challenger",status="200"} ${onChallenger * 2}`,
    );

    // The challenger alias moves: a new revision serves that variant; every key stays on its variant.
    await registry.setAlias('flights', 'challenger', versions.three);
    const moved = await until(show, (d) =>
      d.revisions.some((rev) => rev.variant === 'challenger' && rev.modelVersion === versions.three && rev.status === 'stable'),
    );
    expect(moved.revisions.map((rev) => [rev.revision, rev.variant, rev.weight, rev.status])).toEqual([
      [1, 'champion', 70, 'stable'],
      [2, 'challenger', 0, 'superseded'],
      [3, 'challenger', 30, 'stable'],
    ]);
    // The store records the move before the router's table changes: wait for the switch, then check stickiness.
    await until(
      () => revisionsByKey(ready.endpoint as string, keys, true),
      (seen) => !Object.values(seen).includes('2'),
    );
    const after = await revisionsByKey(ready.endpoint as string, keys);
    for (const key of keys) expect(after[key]).toBe(before[key] === '2' ? '3' : '1');
  }, 240_000);
});
