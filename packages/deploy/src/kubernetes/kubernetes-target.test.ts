import { type KubernetesApiStandIn, type StandInObject, startKubernetesApiStandIn } from '@mlp/core/testing';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type DeploymentSpecInput, deploymentSpecSchema } from '../deployment/deployment-spec.js';
import { applyKubernetesDeployment } from './apply-kubernetes-deployment.js';
import { renderKubernetesManifests } from './kubernetes-manifests.js';
import { createKubernetesTarget } from './kubernetes-target.js';

// Real loopback HTTP through client-node: seconds per test on a loaded 2-core machine, not the unit default of 5.
vi.setConfig({ testTimeout: 60_000 });

let api: KubernetesApiStandIn;
/** Model versions whose pods never become available (the simulated controllers fail them). */
let badVersions: Set<string>;

const versionOf = (object: StandInObject) =>
  (object.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels['mlp.dev/model-version'];

/**
 * What the Deployment controller and Argo Rollouts do, simulated on the stand-in: a new generation is
 * observed and, unless its version is a bad one, rolled out to every replica; a bad version exceeds
 * its progress deadline (Deployment) or is aborted by its analysis (Rollout).
 */
function simulateControllers() {
  return api.onEvent((event) => {
    const object = event.object;
    if (event.type === 'DELETED' || (object.kind !== 'Deployment' && object.kind !== 'Rollout')) return;
    const generation = object.metadata.generation!;
    const status = (object.status ?? {}) as { observedGeneration?: number | string };
    if (Number(status.observedGeneration) === generation) return;
    const replicas = (object.spec as { replicas?: number }).replicas ?? 1;
    const bad = badVersions.has(versionOf(object) ?? '');
    const { name, namespace } = object.metadata;
    if (object.kind === 'Deployment')
      api.setStatus('apps/v1', 'Deployment', namespace, name, {
        observedGeneration: generation,
        replicas: bad ? replicas + 1 : replicas,
        updatedReplicas: bad ? 1 : replicas,
        availableReplicas: bad ? replicas : replicas,
        conditions: [
          bad
            ? {
                type: 'Progressing',
                status: 'False',
                reason: 'ProgressDeadlineExceeded',
                message: `ReplicaSet "${name}-x" has timed out progressing.`,
              }
            : { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' },
        ],
      });
    else
      api.setStatus('argoproj.io/v1alpha1', 'Rollout', namespace, name, {
        observedGeneration: String(generation),
        replicas,
        updatedReplicas: replicas,
        availableReplicas: replicas,
        ...(bad
          ? {
              phase: 'Degraded',
              abort: true,
              message: 'RolloutAborted: Rollout aborted update to revision 2: Metric "1-error-rate-0-01" assessed Failed',
            }
          : { phase: 'Healthy' }),
      });
  });
}

const spec = (input: Partial<DeploymentSpecInput> = {}) =>
  deploymentSpecSchema.parse({
    name: 'flights',
    model: 'models:/flights-delay@champion',
    target: 'kubernetes',
    image: 'registry.example/mlp-model-server:0.1.0',
    namespace: 'ml',
    analysis: ['error_rate<0.01'],
    ...input,
  });

beforeAll(async () => {
  await import('@kubernetes/client-node'); // loaded once, before the first test's clock
}, 60_000);
beforeEach(async () => {
  api = await startKubernetesApiStandIn();
  badVersions = new Set();
});
afterEach(async () => {
  await api.close();
});

describe('Kubernetes target', () => {
  it('rolls out a version with server-side apply and waits for the Deployment to be available', async () => {
    simulateControllers();
    const target = createKubernetesTarget(spec(), { kubeconfig: api.kubeconfig(), pollMs: 20 });
    expect(await target.status()).toBeUndefined();
    const seen: string[] = [];
    const result = await target.rollout({ modelVersion: 1 }, { onProgress: (status) => seen.push(status.phase) });
    expect(result).toMatchObject({ status: 'succeeded', toVersion: '1', workload: { phase: 'healthy', modelVersion: '1' } });
    expect(seen.at(-1)).toBe('healthy');
    for (const [apiVersion, kind] of [
      ['v1', 'Service'],
      ['policy/v1', 'PodDisruptionBudget'],
      ['autoscaling/v2', 'HorizontalPodAutoscaler'],
    ] as const)
      expect(api.get(apiVersion, kind, 'ml', 'flights'), kind).toBeDefined();
    const applies = api.requests.filter((request) => request.method === 'PATCH');
    expect(applies.length).toBe(4);
    expect(
      applies.every(
        (r) => r.contentType === 'application/apply-patch+yaml' && r.query.fieldManager === 'mlp-deploy' && r.query.force === 'true',
      ),
    ).toBe(true);
    // The Service goes first, the autoscaler after its target.
    expect(applies.map((r) => r.path.split('/').at(-2))).toEqual([
      'services',
      'poddisruptionbudgets',
      'deployments',
      'horizontalpodautoscalers',
    ]);
  });

  it('undoes a rolling update whose progress deadline is exceeded: the version before is applied again', async () => {
    simulateControllers();
    const target = createKubernetesTarget(spec(), { kubeconfig: api.kubeconfig(), pollMs: 20 });
    await target.rollout({ modelVersion: 1 });
    badVersions.add('2');
    const result = await target.rollout({ modelVersion: 2 });
    expect(result).toMatchObject({ status: 'rolled_back', fromVersion: '1', toVersion: '2' });
    expect(result.reason).toMatch(/has timed out progressing.*version 1 was applied again and is healthy/);
    const live = api.get('apps/v1', 'Deployment', 'ml', 'flights')!;
    expect(live.metadata.annotations?.['mlp.dev/model-version']).toBe('1');
    expect(versionOf(live)).toBe('1');
    expect(live.metadata.generation).toBe(3);
  });

  it('undoes a canary that Argo Rollouts aborted on its analysis, with the AnalysisTemplate applied first', async () => {
    simulateControllers();
    const target = createKubernetesTarget(spec({ strategy: 'canary' }), { kubeconfig: api.kubeconfig(), pollMs: 20 });
    expect((await target.rollout({ modelVersion: 4 })).status).toBe('succeeded');
    expect(api.get('argoproj.io/v1alpha1', 'AnalysisTemplate', 'ml', 'flights-analysis')).toBeDefined();
    badVersions.add('5');
    const result = await target.rollout({ modelVersion: 5 });
    expect(result).toMatchObject({ status: 'rolled_back', fromVersion: '4', toVersion: '5' });
    expect(result.reason).toMatch(/Metric "1-error-rate-0-01" assessed Failed/);
    expect(versionOf(api.get('argoproj.io/v1alpha1', 'Rollout', 'ml', 'flights')!)).toBe('4');
  });

  it('reports a failed first rollout (nothing to go back to), and rolls back to the previous version on request', async () => {
    simulateControllers();
    const target = createKubernetesTarget(spec(), { kubeconfig: api.kubeconfig(), pollMs: 20 });
    badVersions.add('1');
    expect(await target.rollout({ modelVersion: 1 })).toMatchObject({ status: 'failed', toVersion: '1' });
    badVersions.clear();
    await target.rollout({ modelVersion: 2 });
    await target.rollout({ modelVersion: 3 });
    expect((await target.status())?.previousModelVersion).toBe('2');
    expect(await target.rollback()).toMatchObject({ status: 'succeeded', fromVersion: '3', toVersion: '2' });
    expect((await target.status())?.modelVersion).toBe('2');
  });

  it('gives up at its own deadline when no controller ever reports, and says so', async () => {
    const manifests = renderKubernetesManifests(spec(), 1);
    const status = await applyKubernetesDeployment(manifests, { kubeconfig: api.kubeconfig(), pollMs: 20, timeoutMs: 200 });
    expect(status).toMatchObject({ phase: 'failed', observed: false });
    expect(status.reason).toMatch(/did not finish within 200 ms.*is the Deployment controller running/);
  });

  it('names the object and the API server message when an apply is refused', async () => {
    const target = createKubernetesTarget(spec(), { kubeconfig: api.kubeconfig().replace(api.token, 'wrong-token'), pollMs: 20 });
    await expect(target.rollout({ modelVersion: 1 })).rejects.toThrow(/Unauthorized|reading Deployment flights failed/);
    expect(() => createKubernetesTarget(spec({ target: 'local' }))).toThrow(/targets local, not kubernetes/);
  });
});
