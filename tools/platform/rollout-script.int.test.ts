// examples/github-actions/scripts/rollout.sh, what mlp-deploy.yml's deploy and rollback jobs run, as a
// real process: the built `mlp` renders a canary deployment of a real PostgreSQL workspace, the real
// kubectl applies it to the loopback API stand-in, and the script follows the Rollout's status as a
// simulated Argo Rollouts writes it. kubectl sends no bearer token over plain HTTP, so a loopback proxy
// adds the stand-in's; the stand-in serves no OpenAPI documents, so kubectl's client-side validation is
// off here (KUBECTL_VALIDATE=false; the objects are schema-checked in @mlp/deploy's tests). Not tested:
// the plain Deployment path (`kubectl rollout status` watches, which the stand-in does not serve).
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  createTempDir,
  createTestDatabase,
  type KubernetesApiStandIn,
  type StandInObject,
  startKubernetesApiStandIn,
  type TempDir,
  type TestDatabase,
} from '@mlp/core/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..', '..');
const cliBin = path.join(root, 'packages', 'cli', 'dist', 'bin.js');
const script = path.join(root, 'examples', 'github-actions', 'scripts', 'rollout.sh');

let database: TestDatabase;
let dir: TempDir;
let api: KubernetesApiStandIn;
let proxy: Server;
let env: Record<string, string>;
/** Versions Argo Rollouts' analysis fails (the simulated controller aborts them). */
const badVersions = new Set<string>();

const versionOf = (object: StandInObject) => object.metadata.annotations?.['mlp.dev/model-version'];

beforeAll(async () => {
  database = await createTestDatabase();
  dir = await createTempDir('mlp-rollout-script-');
  api = await startKubernetesApiStandIn();
  // What Argo Rollouts writes: a new generation observed, then Healthy, or Degraded when analysis fails.
  api.onEvent((event) => {
    const object = event.object;
    if (event.type === 'DELETED' || object.kind !== 'Rollout') return;
    const generation = String(object.metadata.generation);
    if ((object.status as { observedGeneration?: string } | undefined)?.observedGeneration === generation) return;
    const bad = badVersions.has(versionOf(object) ?? '');
    api.setStatus('argoproj.io/v1alpha1', 'Rollout', object.metadata.namespace, object.metadata.name, {
      observedGeneration: generation,
      replicas: 1,
      updatedReplicas: 1,
      availableReplicas: 1,
      ...(bad
        ? { phase: 'Degraded', abort: true, message: 'RolloutAborted: Metric "1-error-rate-0-01" assessed Failed' }
        : { phase: 'Healthy' }),
    });
  });
  const target = new URL(api.url);
  proxy = createServer((req, res) => {
    const upstream = request(
      {
        host: target.hostname,
        port: target.port,
        path: req.url,
        method: req.method,
        headers: { ...req.headers, authorization: `Bearer ${api.token}` },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const kubeconfig = path.join(dir.path, 'kubeconfig.json');
  writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'stand-in', cluster: { server: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}` } }],
      users: [{ name: 'stand-in', user: {} }],
      contexts: [{ name: 'stand-in', context: { cluster: 'stand-in', user: 'stand-in', namespace: 'ml' } }],
      'current-context': 'stand-in',
    }),
  );
  const { PATH = '', HOME = '' } = process.env;
  env = {
    PATH,
    HOME,
    MLP_WORKSPACE: dir.path,
    MLP_DATABASE_URL: database.url,
    MLP_LOG_LEVEL: 'error',
    KUBECONFIG: kubeconfig,
    KUBECTL_VALIDATE: 'false',
    ROLLOUT_POLL_SECONDS: '1',
    ROLLOUT_TIMEOUT_SECONDS: '120',
  };
  // The deployment, as a team creates it once: a canary of champion on Kubernetes.
  const mlp = (...args: string[]) => promisify(execFile)(process.execPath, [cliBin, ...args], { cwd: dir.path, env });
  writeFileSync(path.join(dir.path, 'weights.json'), '{"w": [1, 2, 3]}');
  await mlp('init');
  await mlp('models', 'register', dir.path, '--name', 'flights-delay');
  await mlp('models', 'alias', 'set', 'flights-delay', 'champion', '1');
  await mlp(
    'deploy',
    'create',
    'flights',
    '--model',
    'models:/flights-delay@champion',
    '--target',
    'kubernetes',
    '--strategy',
    'canary',
    '--steps',
    '10,50,100',
    '--analysis',
    'error_rate<0.01',
    '--image',
    'ghcr.io/acme/mlp:1.4.0',
    '--namespace',
    'ml',
  );
}, 240_000);

afterAll(async () => {
  await new Promise<void>((resolve) => (proxy ? proxy.close(() => resolve()) : resolve()));
  await api?.close();
  await database?.drop();
  await dir?.remove();
});

/** Runs rollout.sh as the workflow does (from the repository root, so `npx mlp` is this repository's). */
async function rollout(version: string) {
  const output = path.join(dir.path, `github-output-${version}-${Date.now()}`);
  writeFileSync(output, '');
  const result = await promisify(execFile)('bash', [script, 'flights', version], {
    cwd: root,
    env: { ...env, GITHUB_OUTPUT: output },
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
  return { ...result, githubOutput: readFileSync(output, 'utf8') };
}

const served = () => api.get('argoproj.io/v1alpha1', 'Rollout', 'ml', 'flights');

it('applies a version with kubectl, waits for the canary, reports the version before, and fails (for the rollback job) when analysis aborts', async () => {
  const first = await rollout('1');
  expect(first.code, first.stderr).toBe(0);
  expect(first.githubOutput).toBe('previous=\n');
  const rolloutObject = served();
  expect(versionOf(rolloutObject!)).toBe('1');
  // rendered by `mlp deploy render`, with the model server's settings added by model-server/kustomization.yaml
  // biome-ignore lint/suspicious/noExplicitAny: the stored object is JSON
  const container = (rolloutObject!.spec as any).template.spec.containers[0];
  expect(container.args.slice(0, 2)).toEqual(['serve', 'models:/flights-delay/1']);
  expect(container.envFrom).toEqual([{ configMapRef: { name: 'mlp-settings', optional: true } }, { secretRef: { name: 'mlp-secrets' } }]);
  for (const [apiVersion, kind] of [
    ['argoproj.io/v1alpha1', 'AnalysisTemplate'],
    ['v1', 'Service'],
    ['policy/v1', 'PodDisruptionBudget'],
    ['autoscaling/v2', 'HorizontalPodAutoscaler'],
  ] as const)
    expect(api.list(apiVersion, kind, 'ml').length, kind).toBe(1);
  const applies = api.requests.filter((r) => r.method === 'PATCH');
  expect(applies.every((r) => r.query.fieldManager === 'mlp-deploy' && r.query.force === 'true')).toBe(true);

  const second = await rollout('2');
  expect(second.code, second.stderr).toBe(0);
  expect(second.githubOutput).toBe('previous=1\n');
  expect(versionOf(served()!)).toBe('2');

  badVersions.add('3');
  const failed = await rollout('3');
  expect(failed.code).toBe(1);
  expect(failed.stderr).toMatch(/rollout of version 3 failed: RolloutAborted/);
  expect(failed.githubOutput).toBe('previous=2\n');

  // The rollback job: the version served before, applied again.
  const back = await rollout('2');
  expect(back.code, back.stderr).toBe(0);
  expect(versionOf(served()!)).toBe('2');
  expect((served()!.status as { phase: string }).phase).toBe('Healthy');
}, 300_000);
