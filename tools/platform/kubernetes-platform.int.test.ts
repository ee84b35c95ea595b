// The platform manifests (deploy/kubernetes): the kustomize base and the example overlay rendered by
// `kubectl kustomize`, every object checked against the Kubernetes schemas (kubernetes-models), the
// pods' security settings, and RBAC that covers exactly the API calls the deploy agent and the
// Kubernetes executor make, recorded by running their code against the loopback API stand-in.
// No API server or cluster runs here: nothing is applied.
import path from 'node:path';
import { type KubernetesApiStandIn, openTestWorkspace, startKubernetesApiStandIn } from '@mlp/core/testing';
import { createKubernetesTarget, deploymentSpecSchema } from '@mlp/deploy';
import { openKubernetesExecutor } from '@mlp/orchestrate';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { checkInvocation } from './cli-help.js';
import {
  allows,
  granted,
  type KubeObject,
  kustomize,
  type Permission,
  permissionKey,
  permissionsOf,
  validateObject,
} from './kubernetes-objects.js';

const root = path.resolve(import.meta.dirname, '..', '..');
const base = path.join(root, 'deploy', 'kubernetes', 'base');
const overlay = path.join(root, 'deploy', 'kubernetes', 'overlays', 'example');

let rendered: { base: KubeObject[]; overlay: KubeObject[] };

beforeAll(async () => {
  rendered = { base: await kustomize(base), overlay: await kustomize(overlay) };
  await import('@kubernetes/client-node'); // loaded once, before the tests that use it
}, 120_000);

const byKind = (objects: KubeObject[], kind: string) => objects.filter((object) => object.kind === kind);
const named = (objects: KubeObject[], kind: string, name: string) => {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in the rendered manifests`);
  return found;
};

describe.each(['base', 'overlay'] as const)('deploy/kubernetes %s', (which) => {
  const objects = () => rendered[which];

  it('renders the server, the workers, the scheduler, the deploy agent and the monitor agent, each object passing its Kubernetes schema', async () => {
    expect(byKind(objects(), 'Deployment').map((d) => d.metadata.name)).toEqual(
      expect.arrayContaining(['mlp-server', 'mlp-worker', 'mlp-scheduler', 'mlp-deploy-agent', 'mlp-monitor-agent']),
    );
    for (const object of objects()) await expect(validateObject(object), `${object.kind} ${object.metadata.name}`).resolves.toBeUndefined();
  }, 120_000);

  it('keeps secrets out: no Secret object; the database URL and S3 keys come from the Secret mlp-secrets, the rest from mlp-settings', () => {
    expect(byKind(objects(), 'Secret')).toEqual([]);
    const settings = named(objects(), 'ConfigMap', 'mlp-settings').data as Record<string, string>;
    expect(Object.keys(settings)).toEqual(expect.arrayContaining(['MLP_BLOBS_URL', 'MLP_S3_REGION']));
    expect(settings.MLP_BLOBS_URL).toMatch(/^s3:\/\//);
    expect(settings.MLP_DEPLOY_KUBERNETES_SECRET).toBe('mlp-secrets'); // the agent's model servers read the same Secret
    expect(Object.keys(settings).some((key) => /DATABASE_URL|SECRET_ACCESS_KEY|PASSWORD|ACCESS_KEY_ID/.test(key))).toBe(false);
    JSON.parse(named(objects(), 'ConfigMap', 'mlp-config').data['mlp.config.json']); // the workspace config is valid JSON
    for (const deployment of byKind(objects(), 'Deployment')) {
      const [container] = deployment.spec.template.spec.containers;
      expect(container.envFrom, deployment.metadata.name).toEqual([
        { configMapRef: { name: 'mlp-settings' } },
        { secretRef: { name: 'mlp-secrets' } },
      ]);
      expect(container.env).toContainEqual({ name: 'MLP_WORKSPACE', value: '/workspace' });
    }
  });

  it('runs every container non-root with a read-only root filesystem, no capabilities, requests and a memory limit', () => {
    for (const deployment of byKind(objects(), 'Deployment')) {
      const pod = deployment.spec.template.spec;
      const what = deployment.metadata.name;
      expect(pod.securityContext, what).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } });
      for (const container of pod.containers) {
        expect(container.securityContext, what).toEqual({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        });
        expect(container.resources.requests, what).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
        expect(container.resources.limits.memory, what).toBeDefined();
        expect(container.command).toEqual(['mlp']);
        // The writable paths are volumes: the workspace's state and /tmp.
        expect(container.volumeMounts.map((m: { mountPath: string }) => m.mountPath)).toEqual(
          expect.arrayContaining(['/workspace', '/tmp']),
        );
        expect(container.image, what).toMatch(which === 'overlay' ? /^ghcr\.io\/example-org\/mlp:1\.4\.0$/ : /^registry\.example\/mlp:/);
      }
    }
  });

  it('runs mlp commands and options that exist in the built CLI', async () => {
    const commands = [];
    for (const deployment of byKind(objects(), 'Deployment'))
      for (const container of deployment.spec.template.spec.containers)
        commands.push(await checkInvocation(container.args, `${deployment.metadata.name}'s args`));
    expect(commands).toEqual(expect.arrayContaining(['server', 'worker', 'scheduler', 'deploy agent', 'monitor agent']));
  }, 120_000);

  it('probes the server on /health (readiness) and its port (liveness); requires tokens; a Service and a PodDisruptionBudget', () => {
    const server = named(objects(), 'Deployment', 'mlp-server');
    const [container] = server.spec.template.spec.containers;
    expect(container.readinessProbe.httpGet).toEqual({ path: '/health', port: 'http' });
    expect(container.livenessProbe.tcpSocket).toEqual({ port: 'http' });
    expect(container.startupProbe).toBeDefined();
    expect(container.args).toEqual(expect.arrayContaining(['server', '--host', '0.0.0.0', '--token-file']));
    const service = named(objects(), 'Service', 'mlp-server');
    expect(service.spec.selector).toEqual(server.spec.selector.matchLabels);
    expect(named(objects(), 'PodDisruptionBudget', 'mlp-server').spec.selector.matchLabels).toEqual(server.spec.selector.matchLabels);
  });

  it('admits connections only to the server port: the NetworkPolicy selects every mlp pod', () => {
    const policy = named(objects(), 'NetworkPolicy', 'mlp-ingress');
    expect(policy.spec.policyTypes).toEqual(['Ingress']);
    expect(policy.spec.ingress).toEqual([{ ports: [{ port: 5000, protocol: 'TCP' }] }]);
    const selector = policy.spec.podSelector.matchLabels as Record<string, string>;
    for (const deployment of byKind(objects(), 'Deployment'))
      expect(deployment.spec.template.metadata.labels, deployment.metadata.name).toMatchObject(selector);
    const [port] = named(objects(), 'Deployment', 'mlp-server').spec.template.spec.containers[0].ports;
    expect(port.containerPort).toBe(5000);
  });

  it('gives an API token only to the deploy agent and the scheduler, each bound to its own role; every reference resolves', () => {
    const accounts = byKind(objects(), 'ServiceAccount');
    for (const deployment of byKind(objects(), 'Deployment')) {
      const pod = deployment.spec.template.spec;
      expect(accounts.map((a) => `${a.metadata.namespace}/${a.metadata.name}`)).toContain(
        `${deployment.metadata.namespace}/${pod.serviceAccountName}`,
      );
      const talksToTheApi = ['mlp-deploy-agent', 'mlp-scheduler'].includes(deployment.metadata.name);
      expect(pod.automountServiceAccountToken, deployment.metadata.name).toBe(talksToTheApi);
    }
    for (const binding of byKind(objects(), 'RoleBinding')) {
      expect(named(objects(), binding.roleRef.kind, binding.roleRef.name)).toBeDefined();
      for (const subject of binding.subjects)
        expect(accounts.some((a) => a.metadata.name === subject.name && a.metadata.namespace === subject.namespace)).toBe(true);
    }
    expect(byKind(objects(), 'ClusterRoleBinding')).toEqual([]); // rights only where a namespace binds them
  });
});

it('the example overlay changes what an installation changes: image, bucket, pipelines, executor, and where model servers may go', () => {
  const { overlay: objects } = rendered;
  expect(named(objects, 'ConfigMap', 'mlp-settings').data).toMatchObject({
    MLP_S3_ENDPOINT: expect.stringMatching(/^http/),
    MLP_S3_FORCE_PATH_STYLE: 'true',
    MLP_KUBERNETES_IMAGE: 'ghcr.io/example-org/mlp:1.4.0',
  });
  expect(JSON.parse(named(objects, 'ConfigMap', 'mlp-config').data['mlp.config.json']).pipelines).toHaveLength(1);
  expect(named(objects, 'Deployment', 'mlp-scheduler').spec.template.spec.containers[0].args).toEqual([
    'scheduler',
    '--executor',
    'kubernetes',
  ]);
  const serving = byKind(objects, 'RoleBinding').find((b) => b.metadata.namespace === 'ml-serving');
  expect(serving?.roleRef.name).toBe('mlp-deploy-agent');
});

it('the schema check is not a formality: a broken object fails it', async () => {
  const server = structuredClone(named(rendered.base, 'Deployment', 'mlp-server'));
  server.spec.template.spec.containers[0].ports[0].containerPort = 'five thousand';
  await expect(validateObject(server)).rejects.toThrow(/containerPort/);
  await expect(validateObject({ apiVersion: 'example.com/v1', kind: 'Nothing', metadata: { name: 'x' } })).rejects.toThrow(/no schema/);
});

describe('RBAC covers the API calls the code makes, and grants nothing else', () => {
  let api: KubernetesApiStandIn;
  afterEach(async () => {
    await api?.close();
  });

  const rulesOf = (name: string) => named(rendered.base, 'ClusterRole', name).rules;
  const used = (requests: KubernetesApiStandIn['requests']) => {
    const permissions = new Map<string, Permission>();
    for (const request of requests) for (const p of permissionsOf(request)) permissions.set(permissionKey(p), p);
    return [...permissions.values()];
  };
  const expectExactly = (rules: Parameters<typeof allows>[0], permissions: Permission[]) => {
    for (const p of permissions) expect(allows(rules, p), `the role lacks: ${permissionKey(p)}`).toBe(true);
    const usedKeys = new Set(permissions.map(permissionKey));
    expect(
      granted(rules)
        .map(permissionKey)
        .filter((key) => !usedKeys.has(key)),
    ).toEqual([]);
  };

  it('the deploy agent: rolling, canary and blue-green rollouts, status, rollback (ClusterRole mlp-deploy-agent)', async () => {
    api = await startKubernetesApiStandIn();
    // What the Deployment controller and Argo Rollouts would report: every new generation healthy.
    api.onEvent((event) => {
      const { object } = event;
      if (event.type === 'DELETED' || (object.kind !== 'Deployment' && object.kind !== 'Rollout')) return;
      const generation = object.metadata.generation ?? 1;
      if (Number((object.status as { observedGeneration?: number } | undefined)?.observedGeneration) === generation) return;
      const replicas = (object.spec as { replicas?: number }).replicas ?? 1;
      const counts = { observedGeneration: generation, replicas, updatedReplicas: replicas, availableReplicas: replicas };
      api.setStatus(object.apiVersion, object.kind, object.metadata.namespace, object.metadata.name, {
        ...counts,
        ...(object.kind === 'Rollout' ? { phase: 'Healthy' } : {}),
      });
    });
    for (const strategy of ['rolling', 'canary', 'blue-green'] as const) {
      const spec = deploymentSpecSchema.parse({
        name: `flights-${strategy}`,
        model: 'models:/flights-delay@champion',
        target: 'kubernetes',
        strategy,
        image: 'registry.example/mlp:0.1.0',
        namespace: 'ml-serving',
        analysis: ['error_rate<0.01'],
      });
      const target = createKubernetesTarget(spec, { kubeconfig: api.kubeconfig(), pollMs: 20, secretName: 'mlp-secrets' });
      expect((await target.rollout({ modelVersion: 1 })).status).toBe('succeeded');
      expect((await target.rollout({ modelVersion: 2 })).status).toBe('succeeded');
      expect((await target.rollback()).status).toBe('succeeded');
      expect((await target.status())?.modelVersion).toBe('1');
    }
    const permissions = used(api.requests);
    expect(permissions.map(permissionKey)).toContain('create argoproj.io/rollouts');
    expectExactly(rulesOf('mlp-deploy-agent'), permissions);
  }, 120_000);

  it('the Kubernetes executor: a task Job created, found by its list, deleted on cancel (ClusterRole mlp-pipeline-jobs)', async () => {
    api = await startKubernetesApiStandIn();
    const test = await openTestWorkspace('postgres', 'mlp-platform-rbac-');
    try {
      const executor = await openKubernetesExecutor(test.workspace, {
        image: 'registry.example/mlp:0.1.0',
        kubeconfig: api.kubeconfig('mlp'),
        secretName: 'mlp-secrets',
        pollMs: 20,
      });
      const cancel = new AbortController();
      const outcome = executor.execute(
        {
          runId: 'run-1',
          taskId: 'run-1:train',
          attempt: 1,
          step: 'train',
          pipeline: { name: 'flights-delay', modulePath: 'pipeline.ts', sourceHash: 'x' },
        },
        cancel.signal,
      );
      // Cancelled once the executor has listed its Jobs at least once (its poll found the Job).
      await expect.poll(() => api.requests.some((r) => r.method === 'GET' && r.query.labelSelector), { timeout: 60_000 }).toBe(true);
      cancel.abort();
      expect(await outcome).toEqual({ status: 'cancelled' });
      await executor.close();
      expect(api.list('batch/v1', 'Job', 'mlp')).toEqual([]);
    } finally {
      await test.cleanup();
    }
    expectExactly(rulesOf('mlp-pipeline-jobs'), used(api.requests));
  }, 120_000);
});
