import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openTestWorkspace, type TestWorkspace } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deploymentSpecSchema } from '../deployment/deployment-spec.js';
import type { DeploymentRecord } from '../deployment/deployment-store.js';
import { KubernetesRunner } from './kubernetes-runner.js';

// A cluster that answers every request 503 (an API server down behind its load balancer), over real
// HTTP: the runner backs off (core's backoff) instead of calling it on every poll of the controller.

let test: TestWorkspace;
let cluster: Server;
let requests = 0;

beforeAll(async () => {
  await import('@kubernetes/client-node'); // loaded once, outside the tests
  test = await openTestWorkspace('postgres', 'mlp-deploy-k8s-backoff-');
  cluster = createServer((req, res) => {
    requests++;
    req.resume();
    res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'Status', code: 503, message: 'down' }));
  });
  await new Promise<void>((resolve) => cluster.listen(0, '127.0.0.1', resolve));
}, 60_000);
afterAll(async () => {
  cluster?.close();
  await test?.cleanup();
});

function kubeconfig(): string {
  const server = `http://127.0.0.1:${(cluster.address() as AddressInfo).port}`;
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'down', cluster: { server, 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'down', user: { token: 't' } }],
    contexts: [{ name: 'down', context: { cluster: 'down', user: 'down', namespace: 'ml' } }],
    'current-context': 'down',
  });
}

/** A deployment whose stable version the runner checks on the cluster each pass. */
const record = (): DeploymentRecord => ({
  name: 'flights-k8s',
  spec: deploymentSpecSchema.parse({ name: 'flights-k8s', model: 'models:/flights@champion', target: 'kubernetes', image: 'img:1' }),
  modelName: 'flights',
  alias: 'champion',
  status: 'healthy',
  endpoint: null,
  generation: 1,
  createdTime: 0,
  updatedTime: 0,
  revisions: [
    {
      revision: 1,
      modelVersion: 1,
      weight: 100,
      status: 'stable',
      step: 0,
      stepStartedTime: null,
      analysisRounds: 0,
      variant: null,
      createdTime: 0,
      updatedTime: 0,
    },
  ],
});

describe('the Kubernetes runner with the cluster down', () => {
  it('skips passes during a growing backoff, then tries again', async () => {
    let clock = 1_000_000;
    const runner = new KubernetesRunner('flights-k8s', {
      workspace: test.workspace,
      logger: test.workspace.logger,
      target: { kubeconfig: kubeconfig() },
      // Full jitter at its middle: waits of 5 s, then 10 s (ceilings 10 s, 20 s).
      backoff: { baseDelayMs: 10_000, maxDelayMs: 60_000 },
      random: () => 0.5,
      now: () => clock,
    });
    try {
      await expect(runner.tick(record())).rejects.toThrow(/\(failure 1 in a row; the next attempt in 5\.0 s\)$/);
      const afterFirst = requests;
      expect(afterFirst).toBeGreaterThan(0);
      // Twenty controller polls 100 ms apart, within the wait: none reaches the cluster.
      for (let poll = 0; poll < 20; poll++) {
        clock += 100;
        expect((await runner.tick(record())).name).toBe('flights-k8s');
      }
      expect(requests).toBe(afterFirst);
      // Once the wait is over the next pass tries again, fails again, and waits twice as long.
      clock += 3_001;
      await expect(runner.tick(record())).rejects.toThrow(/\(failure 2 in a row; the next attempt in 10\.0 s\)$/);
      expect(requests).toBeGreaterThan(afterFirst);
    } finally {
      await runner.close();
    }
  });
});
