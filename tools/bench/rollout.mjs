#!/usr/bin/env node
// Rollouts on the local target under a paced load (issue 15 targets):
//   1. a blue-green switch and a rolling switch (2 servers per revision) under 200 requests/s for
//      20 s (BENCH_RATE, BENCH_SECONDS): failed requests (target 0);
//   2. a bad canary (a version that refuses every real row: 400s) under the same load: analysis
//      rounds until it is rolled back, counted in the store (target ≤ 2), and failures answered by
//      the stable revision meanwhile (target 0).
// Real `mlp serve` processes from the sources behind the deployment's router, the controller in this
// process, the workspace on the test PostgreSQL server. The load generator shares the machine.
// Runs itself under tsx with the @mlp/source condition (it reads the packages' TypeScript sources).
import { fork, spawnSync } from 'node:child_process';
import path from 'node:path';

if (!process.execArgv.includes('tsx')) {
  const result = spawnSync(
    process.execPath,
    ['--conditions=@mlp/source', '--import', 'tsx', import.meta.filename, ...process.argv.slice(2)],
    {
      stdio: 'inherit',
    },
  );
  process.exit(result.status ?? 1);
}

const root = path.resolve(import.meta.dirname, '../..');
const fixture = await import(path.join(root, 'packages/deploy/src/controller/test-support/deploy-fixture.ts'));
const { startDeploymentController } = await import(path.join(root, 'packages/deploy/src/controller/deployment-controller.ts'));
const { addDeployment } = await import(path.join(root, 'packages/deploy/src/deployment/deployment-operations.ts'));
const { getDeployment } = await import(path.join(root, 'packages/deploy/src/deployment/deployment-store.ts'));
const { openWorkspace } = await import('@mlp/core');
const { createTempDir, createTestDatabase } = await import('@mlp/core/testing');

const RATE = Number(process.env.BENCH_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const INTERVAL_MS = Number(process.env.BENCH_INTERVAL_MS ?? 3000);

const dir = await createTempDir('mlp-bench-rollout-');
const database = await createTestDatabase();
const workspace = await openWorkspace({ dir: dir.path, logLevel: 'error', database: { url: database.url } });
const registry = await fixture.openTestRegistry(workspace);
const versions = {
  one: await fixture.registerModel(registry, dir.path, 'flights', fixture.denseModel(1)),
  two: await fixture.registerModel(registry, dir.path, 'flights', fixture.denseModel(2)),
  bad: await fixture.registerModel(registry, dir.path, 'flights', fixture.refusingModel()),
};
const controller = await startDeploymentController(workspace, {
  pollIntervalMs: 200,
  serveCommand: fixture.cliServeCommand(),
  env: fixture.serveEnv(workspace),
});
const show = (name) => getDeployment(workspace, name);

/** Paced load from its own process (lib/paced-load.mjs) until `stop()`; resolves with what it saw. */
function startLoad(url) {
  const child = fork(path.join(import.meta.dirname, 'lib', 'paced-load.mjs'), [url, String(RATE)], { stdio: 'inherit' });
  const report = new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`the load process exited with ${code} before reporting`)));
  });
  const t0 = Date.now();
  return {
    /** Stops once at least SECONDS have passed since the start. */
    async stop() {
      const left = t0 + SECONDS * 1000 - Date.now();
      if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
      child.send('stop');
      return report;
    },
  };
}

function summary(outcomes) {
  const sorted = [...outcomes.latencies].sort((a, b) => a - b);
  const at = (q) => Math.round((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0) * 100) / 100;
  const failed =
    outcomes.lost +
    Object.values(outcomes.byRevision).reduce(
      (sum, counts) =>
        sum +
        Object.entries(counts)
          .filter(([status]) => status !== '200')
          .reduce((s, [, n]) => s + n, 0),
      0,
    );
  return {
    requests: outcomes.sent,
    load_seconds: Math.round(outcomes.seconds * 10) / 10,
    sent_rps: Math.round(outcomes.sent / outcomes.seconds),
    failed,
    lost: outcomes.lost,
    by_revision: outcomes.byRevision,
    p50_ms: at(0.5),
    p99_ms: at(0.99),
  };
}

async function switchUnderLoad(strategy, replicas, alias) {
  await registry.setAlias('flights', alias, versions.one);
  const name = `bench-${strategy}`;
  await addDeployment(workspace, registry, { name, model: `models:/flights@${alias}`, strategy, replicas, intervalMs: 1000 });
  const ready = await fixture.until(
    () => show(name),
    (d) => d.status === 'healthy',
  );
  // The load runs from before the promotion until the switch is done and at least SECONDS have passed.
  const load = startLoad(ready.endpoint);
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const promotedAt = Date.now();
  await registry.setAlias('flights', alias, versions.two);
  await fixture.until(
    () => show(name),
    (d) => d.revisions.some((rev) => rev.modelVersion === versions.two && rev.status === 'stable'),
  );
  const switchedAt = Date.now();
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const outcomes = await load.stop();
  return {
    strategy,
    replicas,
    promotion_to_stable_ms: switchedAt - promotedAt,
    revisions_served: Object.keys(outcomes.byRevision),
    ...summary(outcomes),
    target_failed: 0,
  };
}

async function badCanary() {
  await registry.setAlias('flights', 'canary', versions.one);
  const name = 'bench-canary';
  await addDeployment(workspace, registry, {
    name,
    model: 'models:/flights@canary',
    strategy: 'canary',
    steps: [20, 50, 100],
    analysis: ['failure_rate<0.01'],
    intervalMs: INTERVAL_MS,
  });
  const ready = await fixture.until(
    () => show(name),
    (d) => d.status === 'healthy',
  );
  // The load starts once the canary takes traffic (its servers' start-up is not the analysis' business).
  await registry.setAlias('flights', 'canary', versions.bad);
  await fixture.until(
    () => show(name),
    (d) => d.revisions.some((rev) => rev.modelVersion === versions.bad && rev.step >= 0),
  );
  const load = startLoad(ready.endpoint);
  const rolledBack = await fixture.until(
    () => show(name),
    (d) => d.status === 'rolled_back',
  );
  const outcomes = await load.stop();
  const bad = rolledBack.revisions.find((rev) => rev.modelVersion === versions.bad);
  const stableFailures = Object.entries(outcomes.byRevision)
    .filter(([revision]) => revision !== String(bad.revision))
    .reduce(
      (sum, [, counts]) =>
        sum +
        Object.entries(counts)
          .filter(([status]) => status !== '200')
          .reduce((s, [, n]) => s + n, 0),
      0,
    );
  return {
    interval_ms: INTERVAL_MS,
    analysis_rounds_to_rollback: bad.analysisRounds,
    target_rounds: 2,
    canary_requests: Object.values(outcomes.byRevision[String(bad.revision)] ?? {}).reduce((a, b) => a + b, 0),
    stable_failures: stableFailures + outcomes.lost,
    target_stable_failures: 0,
    ...summary(outcomes),
  };
}

try {
  const results = [];
  results.push(await switchUnderLoad('blue-green', 1, 'blue'));
  results.push(await switchUnderLoad('rolling', 2, 'roll'));
  const canary = await badCanary();
  console.log(JSON.stringify({ bench: 'rollout', rate_rps: RATE, seconds: SECONDS, switches: results, bad_canary: canary }, null, 2));
} finally {
  await controller.close();
  await registry.close();
  await workspace.close();
  await database.drop();
  await dir.remove();
}
