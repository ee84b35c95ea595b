import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { type KubernetesApiStandIn, openTestWorkspace, startKubernetesApiStandIn } from '@mlp/core/testing';
import { afterAll, expect, it, vi } from 'vitest';
import { describeExecutorContract, executorContractPipelinePath } from '../../testing/executor-contract.js';
import { openKubernetesExecutor } from './kubernetes-executor.js';
import { simulateKubelet } from './test-support/simulated-kubelet.js';

// Every attempt is a process (seconds each on a loaded 2-core machine), the success run has seven in
// sequence, and the kubelet starts its processes ahead (module loading, minutes when the machine is
// busy): the int project's limits (60 s per test, 120 s per hook) are raised for this file only.
vi.setConfig({ testTimeout: 300_000, hookTimeout: 600_000 });

let api: KubernetesApiStandIn | undefined;
let kubelet: ReturnType<typeof simulateKubelet> | undefined;

// The whole contract, with every attempt a Job the stand-in stores and a simulated kubelet runs as a
// real `mlp pipeline exec-task` process against the same PostgreSQL workspace.
describeExecutorContract('kubernetes (API stand-in, exec-task child processes, PostgreSQL)', async () => {
  const test = await openTestWorkspace('postgres', 'mlp-orchestrate-k8s-contract-');
  api = await startKubernetesApiStandIn();
  kubelet = simulateKubelet(api, { pipelineModules: [executorContractPipelinePath()] });
  await kubelet.ready();
  const kubeconfig = path.join(test.workspace.config.dir, 'kubeconfig.json');
  writeFileSync(kubeconfig, api.kubeconfig('ml-pipelines'));
  const executor = await openKubernetesExecutor(test.workspace, { image: 'registry.example/mlp:1', kubeconfig, pollMs: 100 });
  return {
    workspace: test.workspace,
    executor,
    async cleanup() {
      kubelet?.close();
      await api?.close();
      await test.cleanup();
    },
  };
});

afterAll(() => {
  // Checked after the suite: every Job was schema-valid (the kubelet validates each) and well formed.
  expect(api?.listenerErrors ?? []).toEqual([]);
});

it('creates one schema-valid Job per attempt: labels, backoffLimit 0, deadline, non-root, env, ttl; deleted in the background on cancel', () => {
  const jobs = kubelet?.started ?? [];
  expect(jobs.length).toBeGreaterThan(20);
  const slow = jobs.find((job) => job.metadata.labels?.['mlp.dev/step'] === 'slow')!;
  expect(slow.metadata).toMatchObject({
    namespace: 'ml-pipelines',
    labels: { 'app.kubernetes.io/managed-by': 'mlp', 'mlp.dev/attempt': '1' },
    annotations: { 'mlp.dev/task-id': expect.stringMatching(/:slow$/) },
  });
  // biome-ignore lint/suspicious/noExplicitAny: the Job is JSON, checked field by field with expect
  const spec = slow.spec as Record<string, any>;
  // The step timeout (20 s in the contract pipeline) plus the grace to stop.
  expect(spec).toMatchObject({ backoffLimit: 0, activeDeadlineSeconds: 20 + 30, ttlSecondsAfterFinished: 3600 });
  expect(spec.template.spec.securityContext).toMatchObject({ runAsNonRoot: true });
  const container = spec.template.spec.containers[0];
  expect(container.args.slice(0, 3)).toEqual(['--json', 'pipeline', 'exec-task']);
  expect(container.env.map((e: { name: string }) => e.name)).toEqual(
    expect.arrayContaining(['MLP_DATABASE_URL', 'MLP_BLOBS_URL', 'MLP_WORKSPACE']),
  );
  expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
  const deletes = api!.requests.filter((request) => request.method === 'DELETE');
  expect(deletes.length).toBeGreaterThanOrEqual(2); // the timeout and the cancel
  expect(deletes.every((request) => request.query.propagationPolicy === 'Background')).toBe(true);
  // One labelled list per poll finds every Job of the executor.
  expect(api!.requests.some((request) => request.method === 'GET' && request.query.labelSelector?.startsWith('mlp.dev/executor='))).toBe(
    true,
  );
  expect(kubelet?.running.size).toBe(0);
});
