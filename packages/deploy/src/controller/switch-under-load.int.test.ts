import { openTestWorkspace, type TestWorkspace } from '@mlp/core/testing';
import type { Registry } from '@mlp/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDeployment } from '../deployment/deployment-operations.js';
import type { DeploymentStrategy } from '../deployment/deployment-spec.js';
import { deploymentHistory, getDeployment } from '../deployment/deployment-store.js';
import { type DeploymentController, startDeploymentController } from './deployment-controller.js';
import { cliServeCommand, denseModel, openTestRegistry, registerModel, serveEnv, startLoad, until } from './test-support/deploy-fixture.js';

let test: TestWorkspace;
let registry: Registry;
let controller: DeploymentController;
const versions = { one: 0, two: 0 };

beforeAll(async () => {
  test = await openTestWorkspace('postgres', 'mlp-deploy-switch-');
  registry = await openTestRegistry(test.workspace);
  versions.one = await registerModel(registry, test.workspace.config.dir, 'flights', denseModel(1));
  versions.two = await registerModel(registry, test.workspace.config.dir, 'flights', denseModel(2));
  controller = await startDeploymentController(test.workspace, {
    pollIntervalMs: 200,
    serveCommand: cliServeCommand(),
    env: serveEnv(test.workspace),
  });
}, 120_000);

afterAll(async () => {
  await controller?.close();
  await registry?.close();
  await test?.cleanup();
});

const show = (name: string) => getDeployment(test.workspace, name);

describe.each<[DeploymentStrategy, number, string]>([
  ['blue-green', 1, 'blue'],
  ['rolling', 2, 'roll'],
])('a %s switch under load', (strategy, replicas, alias) => {
  it(`moves every request to the new version and loses none (${replicas} server(s) per revision)`, async () => {
    await registry.setAlias('flights', alias, versions.one);
    const name = `flights-${strategy}`;
    await addDeployment(test.workspace, registry, { name, model: `models:/flights@${alias}`, strategy, replicas, intervalMs: 1000 });
    const first = await until(
      () => show(name),
      (d) => d.status === 'healthy',
    );
    const load = startLoad(() => first.endpoint as string);
    await until(
      async () => load.report.total,
      (total) => total >= 20,
    );
    await registry.setAlias('flights', alias, versions.two);
    const switched = await until(
      () => show(name),
      (d) => d.revisions.some((rev) => rev.revision === 2 && rev.status === 'stable'),
    );
    // Some requests after the switch, then stop.
    const before = load.report.total;
    await until(
      async () => load.report.total,
      (total) => total >= before + 20,
    );
    const report = await load.stop();

    expect(switched.revisions.map((rev) => [rev.modelVersion, rev.weight, rev.status])).toEqual([
      [versions.one, 0, 'superseded'],
      [versions.two, 100, 'stable'],
    ]);
    const steps = (await deploymentHistory(test.workspace, name)).filter((entry) => entry.action === 'step');
    expect(steps.map((entry) => entry.details?.weight)).toEqual(strategy === 'rolling' ? [50, 100] : [100]);
    expect(report.lost).toBe(0);
    expect(report.routerErrors).toEqual([]);
    expect(Object.keys(report.byRevision).sort()).toEqual(['1', '2']);
    for (const counts of Object.values(report.byRevision)) expect(Object.keys(counts)).toEqual(['200']);
  }, 240_000);
});
