import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import {
  type KubernetesApiStandIn,
  openTestWorkspace,
  type StandInObject,
  startKubernetesApiStandIn,
  type TestWorkspace,
} from '@mlp/core/testing';
import type { Registry } from '@mlp/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDeployment, rollbackDeployment } from '../deployment/deployment-operations.js';
import { deploymentHistory, getDeployment } from '../deployment/deployment-store.js';
import { type DeploymentController, startDeploymentController } from './deployment-controller.js';
import { denseModel, openTestRegistry, registerModel, until } from './test-support/deploy-fixture.js';

let test: TestWorkspace;
let registry: Registry;
let api: KubernetesApiStandIn;
let controller: DeploymentController;
let kubeconfigFile: string;
const versions: number[] = [];
/** Model versions whose pods never become available: the simulated Deployment controller exceeds their progress deadline. */
const badVersions = new Set<string>();
const hooks: Array<{ event: string | undefined; body: string }> = [];
const receiver = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    hooks.push({ event: req.headers['x-mlp-event'] as string | undefined, body: Buffer.concat(chunks).toString() });
    res.writeHead(204).end();
  });
});

const versionOf = (object: StandInObject | undefined) =>
  (object?.spec as { template: { metadata: { labels: Record<string, string> } } } | undefined)?.template.metadata.labels[
    'mlp.dev/model-version'
  ];
const live = () => versionOf(api.get('apps/v1', 'Deployment', 'ml', 'flights-k8s'));

/** The test plays the Kubernetes Deployment controller: each new generation is rolled out, or (a bad version) times out. */
function simulateDeploymentController() {
  return api.onEvent((event) => {
    const object = event.object;
    if (event.type === 'DELETED' || object.kind !== 'Deployment') return;
    const generation = object.metadata.generation as number;
    if (Number((object.status as { observedGeneration?: number } | undefined)?.observedGeneration) === generation) return;
    const replicas = (object.spec as { replicas?: number }).replicas ?? 1;
    const bad = badVersions.has(versionOf(object) ?? '');
    api.setStatus('apps/v1', 'Deployment', object.metadata.namespace, object.metadata.name, {
      observedGeneration: generation,
      replicas: bad ? replicas + 1 : replicas,
      updatedReplicas: bad ? 1 : replicas,
      availableReplicas: replicas,
      conditions: [
        bad
          ? {
              type: 'Progressing',
              status: 'False',
              reason: 'ProgressDeadlineExceeded',
              message: 'ReplicaSet "x" has timed out progressing.',
            }
          : { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' },
      ],
    });
  });
}

beforeAll(async () => {
  await import('@kubernetes/client-node'); // loaded once, outside the tests
  test = await openTestWorkspace('postgres', 'mlp-deploy-k8s-controller-');
  registry = await openTestRegistry(test.workspace);
  const dir = test.workspace.config.dir;
  for (const scale of [1, 2, 3]) versions.push(await registerModel(registry, dir, 'flights', denseModel(scale)));
  await registry.setAlias('flights', 'champion', versions[0] as number);
  api = await startKubernetesApiStandIn();
  simulateDeploymentController();
  kubeconfigFile = path.join(dir, 'kubeconfig.yaml');
  await writeFile(kubeconfigFile, api.kubeconfig());
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  controller = await startDeploymentController(test.workspace, {
    pollIntervalMs: 200,
    kubernetes: { pollMs: 20 },
    webhooks: { allowedNetworks: ['127.0.0.1/32'], baseDelayMs: 50, pollIntervalMs: 200 },
  });
}, 120_000);

afterAll(async () => {
  await controller?.close();
  await registry?.close();
  await api?.close();
  receiver.close();
  await test?.cleanup();
});

const show = () => getDeployment(test.workspace, 'flights-k8s');

describe('the deployment controller on a Kubernetes target', () => {
  it('rolls a promotion out on the cluster, rolls a version past its progress deadline back, and applies a rollback by hand', async () => {
    const [v1, v2, v3] = versions as [number, number, number];
    const port = (receiver.address() as AddressInfo).port;
    await addDeployment(test.workspace, registry, {
      name: 'flights-k8s',
      model: 'models:/flights@champion',
      target: 'kubernetes',
      image: 'registry.example/mlp-model-server:0.1.0',
      namespace: 'ml',
      kubeconfig: kubeconfigFile,
      webhookUrl: `http://127.0.0.1:${port}/hooks`,
    });
    await until(show, (d) => d.status === 'healthy');
    expect(live()).toBe(String(v1));

    await registry.setAlias('flights', 'champion', v2);
    const promoted = await until(show, (d) => d.revisions.some((rev) => rev.modelVersion === v2 && rev.status === 'stable'));
    expect(promoted.status).toBe('healthy');
    expect(live()).toBe(String(v2));

    badVersions.add(String(v3));
    await registry.setAlias('flights', 'champion', v3);
    const back = await until(show, (d) => d.status === 'rolled_back');
    expect(back.revisions.map((rev) => [rev.modelVersion, rev.weight, rev.status])).toEqual([
      [v1, 0, 'superseded'],
      [v2, 100, 'stable'],
      [v3, 0, 'rolled_back'],
    ]);
    expect(live()).toBe(String(v2));
    const history = await deploymentHistory(test.workspace, 'flights-k8s');
    expect(history.map((entry) => entry.action)).toEqual([
      'created',
      'rolled_out',
      'rollout_started',
      'rolled_out',
      'rollout_started',
      'rolled_back',
    ]);
    expect(history.at(-1)).toMatchObject({ fromVersion: v3, toVersion: v2, details: { automatic: true } });
    expect(history.at(-1)?.reason).toMatch(
      /Kubernetes rollout of version \d+ failed: .*timed out progressing.*applied again and is healthy/,
    );
    // The durable event and its signed webhook, as on the local target.
    const hook = await until(
      async () => hooks.find((h) => h.event === 'deployment.rolled_back'),
      (h) => h !== undefined,
    );
    expect(JSON.parse(hook?.body ?? '{}')).toMatchObject({ payload: { name: 'flights-k8s', fromVersion: v3, toVersion: v2 } });

    // `mlp deploy rollback`: the store moves to the revision before, the controller applies it on the cluster.
    await rollbackDeployment(test.workspace, 'flights-k8s');
    await until(
      async () => live(),
      (version) => version === String(v1),
    );
    expect((await show()).revisions.find((rev) => rev.status === 'stable')?.modelVersion).toBe(v1);
  });
});
