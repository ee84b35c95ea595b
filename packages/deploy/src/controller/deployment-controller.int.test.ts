import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySignature } from '@mlp/core';
import { openTestWorkspace, type TestWorkspace } from '@mlp/core/testing';
import type { Registry } from '@mlp/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDeployment } from '../deployment/deployment-operations.js';
import { deploymentHistory, getDeployment } from '../deployment/deployment-store.js';
import { type DeploymentController, startDeploymentController } from './deployment-controller.js';
import {
  cliServeCommand,
  denseModel,
  openTestRegistry,
  refusingModel,
  registerModel,
  serveEnv,
  startLoad,
  until,
} from './test-support/deploy-fixture.js';

let test: TestWorkspace;
let registry: Registry;
let controller: DeploymentController;
const versions = { good1: 0, good2: 0, bad: 0, good4: 0 };
const hooks: Array<{ body: string; signature: string | undefined; event: string | undefined }> = [];
const receiver = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    hooks.push({
      body: Buffer.concat(chunks).toString(),
      signature: req.headers['x-mlp-signature-256'] as string | undefined,
      event: req.headers['x-mlp-event'] as string | undefined,
    });
    res.writeHead(204).end();
  });
});

beforeAll(async () => {
  test = await openTestWorkspace('postgres', 'mlp-deploy-controller-');
  registry = await openTestRegistry(test.workspace);
  const dir = test.workspace.config.dir;
  versions.good1 = await registerModel(registry, dir, 'flights', denseModel(1));
  versions.good2 = await registerModel(registry, dir, 'flights', denseModel(2));
  versions.bad = await registerModel(registry, dir, 'flights', refusingModel());
  versions.good4 = await registerModel(registry, dir, 'flights', denseModel(4));
  await registry.setAlias('flights', 'champion', versions.good1);
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  controller = await startDeploymentController(test.workspace, {
    pollIntervalMs: 200,
    serveCommand: cliServeCommand(),
    env: serveEnv(test.workspace),
    webhooks: { allowedNetworks: ['127.0.0.1/32'], baseDelayMs: 50, pollIntervalMs: 200 },
  });
}, 120_000);

afterAll(async () => {
  await controller?.close();
  await registry?.close();
  receiver.close();
  await test?.cleanup();
});

const show = (name: string) => getDeployment(test.workspace, name);

describe('a canary deployment on the local target', () => {
  it('starts the champion, rolls out a promotion step by step, and rolls a refusing version back by itself while stable serves', async () => {
    const port = (receiver.address() as AddressInfo).port;
    const { webhookSecret } = await addDeployment(test.workspace, registry, {
      name: 'flights-canary',
      model: 'models:/flights@champion',
      strategy: 'canary',
      steps: [50, 100],
      analysis: ['failure_rate<0.01'],
      intervalMs: 1500,
      webhookUrl: `http://127.0.0.1:${port}/hooks`,
    });
    const first = await until(
      () => show('flights-canary'),
      (d) => d.status === 'healthy',
    );
    expect(first.revisions.map((rev) => [rev.revision, rev.modelVersion, rev.weight, rev.status])).toEqual([
      [1, versions.good1, 100, 'stable'],
    ]);
    expect(first.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const load = startLoad(() => first.endpoint as string);

    // A promotion rolls out: 50%, then 100% once the analysis of each step passed.
    await registry.setAlias('flights', 'champion', versions.good2);
    const promoted = await until(
      () => show('flights-canary'),
      (d) => d.revisions.some((rev) => rev.revision === 2 && rev.status === 'stable'),
    );
    expect(promoted.revisions.map((rev) => [rev.revision, rev.modelVersion, rev.weight, rev.status])).toEqual([
      [1, versions.good1, 0, 'superseded'],
      [2, versions.good2, 100, 'stable'],
    ]);
    expect(promoted.revisions[1]?.analysisRounds).toBe(2);

    // A version that refuses real rows: rolled back on its first failed analysis, no operator involved.
    await registry.setAlias('flights', 'champion', versions.bad);
    const back = await until(
      () => show('flights-canary'),
      (d) => d.status === 'rolled_back',
    );
    const report = await load.stop();
    expect(back.revisions.map((rev) => [rev.revision, rev.modelVersion, rev.weight, rev.status])).toEqual([
      [1, versions.good1, 0, 'superseded'],
      [2, versions.good2, 100, 'stable'],
      [3, versions.bad, 0, 'rolled_back'],
    ]);
    // Within two analysis intervals of the canary step, counted in the store.
    expect(back.revisions[2]?.analysisRounds).toBeGreaterThanOrEqual(1);
    expect(back.revisions[2]?.analysisRounds).toBeLessThanOrEqual(2);

    const history = await deploymentHistory(test.workspace, 'flights-canary');
    expect(history.map((entry) => entry.action)).toEqual([
      'created',
      'rolled_out',
      'rollout_started',
      'step',
      'step',
      'rolled_out',
      'rollout_started',
      'step',
      'rolled_back',
    ]);
    // A passed analysis stays in the history with what it measured: the move to 100%, and the promotion.
    const analysisOf = (index: number) => (history[index]?.details as { analysis?: unknown } | null | undefined)?.analysis;
    for (const index of [4, 5]) expect(analysisOf(index)).toMatchObject({ outcome: 'pass', results: [expect.anything()] });
    expect(analysisOf(3)).toBeUndefined(); // the first step follows no analysis
    const rollback = history.at(-1);
    expect(rollback).toMatchObject({ fromVersion: versions.bad, toVersion: versions.good2 });
    expect(rollback?.reason).toMatch(/^analysis failed: failure_rate<0.01 \(measured/);

    // Stable revisions answered everything; only the canary's own refusals (400) failed; nothing was lost.
    expect(report.lost).toBe(0);
    for (const revision of ['1', '2']) expect(Object.keys(report.byRevision[revision] ?? {})).toEqual(['200']);
    expect(Object.keys(report.byRevision['3'] ?? {})).toEqual(['400']);
    expect(report.routerErrors).toEqual([]);
    expect(report.byRevision.none).toBeUndefined();

    // The durable event and the signed webhook.
    const events = await test.workspace.db.query<{ payload: { name: string; toVersion: number } }>(
      `select payload from mlp_events where type = 'deployment.rolled_back'`,
    );
    expect(events.map((event) => [event.payload.name, event.payload.toVersion])).toEqual([['flights-canary', versions.good2]]);
    const hook = await until(
      async () => hooks.at(-1),
      (value) => value !== undefined,
    );
    expect(hook?.event).toBe('deployment.rolled_back');
    expect(verifySignature(webhookSecret as string, hook?.body ?? '', hook?.signature ?? '')).toBe(true);
    expect(JSON.parse(hook?.body ?? '{}')).toMatchObject({
      event_type: 'deployment.rolled_back',
      payload: { name: 'flights-canary', fromVersion: versions.bad, toVersion: versions.good2 },
    });
  }, 240_000);
});
