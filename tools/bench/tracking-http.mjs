#!/usr/bin/env node
// Metric logging over HTTP: `mlp server` runs in its own process on an embedded workspace, and the
// MLflow REST client store sends MLflow `log-batch` requests of 1,000 metrics (MLflow's limit), from
// one client and from four at once. The peer, in the same run and on the same database: the same
// batches written by the SQL store in this process, without HTTP. Target: >= 50,000 points/s.
// A small GET (runs/get) measures the HTTP layer where the database does little. With
// BENCH_BASELINE_CLI=<path to another build's dist/bin.js>, two more servers start, each on a fresh
// workspace of its own (their migrations may differ): this build and that one, measured against each
// other in interleaved rounds while their tables grow alike (before/after ratios).
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openWorkspace } from '@mlp/core';
import { openSqlTrackingStore } from '@mlp/tracking';
import { createMlflowTrackingStore } from '@mlp/tracking/mlflow';

const POINTS_PER_CLIENT = Number(process.env.BENCH_POINTS ?? 200_000);
const GETS = Number(process.env.BENCH_GETS ?? 4000);
const baselineCli = process.env.BENCH_BASELINE_CLI;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const BATCH = 1000;
const root = path.resolve(import.meta.dirname, '..', '..');
const cli = path.join(root, 'packages', 'cli', 'dist', 'bin.js');
const round = (value) => Math.round(value * 100) / 100;

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });
}

async function waitForHealth(url, server) {
  for (let attempt = 0; attempt < 300; attempt++) {
    if (server.exitCode !== null) throw new Error(`mlp server exited with ${server.exitCode}`);
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('mlp server did not answer /health within 30 s');
}

/** Logs POINTS_PER_CLIENT points from each of `clients` concurrent runs; returns points per second. */
async function logFrom(store, experimentId, clients) {
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      const { runId } = await store.createRun({ experimentId });
      const timestamp = Date.now();
      for (let offset = 0; offset < POINTS_PER_CLIENT; offset += BATCH) {
        const metrics = Array.from({ length: BATCH }, (_, i) => ({
          key: `metric_${i % 10}`,
          value: (offset + i) * 0.001,
          timestamp,
          step: Math.floor((offset + i) / 10),
        }));
        await store.logBatch(runId, { metrics });
      }
    }),
  );
  return Math.round((clients * POINTS_PER_CLIENT) / ((performance.now() - started) / 1000));
}

/** runs/get requests per second from 8 concurrent callers: mostly HTTP, parsing and JSON. */
async function getsPerSecond(url, runId) {
  let sent = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (sent < GETS) {
        sent++;
        const response = await fetch(`${url}/api/2.0/mlflow/runs/get?run_id=${runId}`);
        if (!response.ok) throw new Error(`runs/get answered ${response.status}`);
        await response.arrayBuffer();
      }
    }),
  );
  return Math.round(GETS / ((performance.now() - started) / 1000));
}

function startServer(bin, port, workspaceDir) {
  return spawn(process.execPath, [bin, '-C', workspaceDir, '--log-level', 'warn', 'server', '--port', String(port)], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function stopServer(server) {
  server.kill('SIGTERM');
  await new Promise((resolve) => (server.exitCode !== null ? resolve() : server.once('exit', resolve)));
}

const dir = mkdtempSync(path.join(tmpdir(), 'mlp-bench-http-'));
chmodSync(dir, 0o755);
const port = await freePort();
const url = `http://127.0.0.1:${port}`;
const server = startServer(cli, port, dir);
const freshDir = (name) => {
  const made = mkdtempSync(path.join(tmpdir(), `mlp-bench-http-${name}-`));
  chmodSync(made, 0o755);
  return made;
};
const baselineDir = baselineCli ? freshDir('baseline') : undefined;
const candidateDir = baselineCli ? freshDir('candidate') : undefined;
const baselineUrl = baselineCli ? `http://127.0.0.1:${await freePort()}` : undefined;
const candidateUrl = baselineCli ? `http://127.0.0.1:${await freePort()}` : undefined;
const baseline = baselineCli ? startServer(baselineCli, Number(new URL(baselineUrl).port), baselineDir) : undefined;
const candidate = baselineCli ? startServer(cli, Number(new URL(candidateUrl).port), candidateDir) : undefined;
let result;
try {
  await waitForHealth(url, server);
  if (baseline) await waitForHealth(baselineUrl, baseline);
  if (candidate) await waitForHealth(candidateUrl, candidate);
  const http = createMlflowTrackingStore({ url });
  const workspace = await openWorkspace({ dir, logLevel: 'warn' }); // joins the server's embedded database
  try {
    const direct = await openSqlTrackingStore(workspace);
    const { experimentId } = await direct.createExperiment({ name: 'bench-http' });
    const http1 = await logFrom(http, experimentId, 1);
    const http4 = await logFrom(http, experimentId, 4);
    const direct1 = await logFrom(direct, experimentId, 1);
    const direct4 = await logFrom(direct, experimentId, 4);
    const { runId } = await direct.createRun({ experimentId });
    await direct.logBatch(runId, { params: [{ key: 'p', value: '1' }], tags: [{ key: 't', value: 'x' }] });
    const gets = await getsPerSecond(url, runId);
    let compared = {};
    if (baselineUrl) {
      // Interleaved ABBA rounds (best and median kept), so drift on a shared machine hits both builds.
      const prepare = async (target) => {
        const store = createMlflowTrackingStore({ url: target });
        const experiment = (await store.createExperiment({ name: 'bench-http' })).experimentId;
        const run = (await store.createRun({ experimentId: experiment })).runId;
        await store.logBatch(run, { params: [{ key: 'p', value: '1' }], tags: [{ key: 't', value: 'x' }] });
        return [store, experiment, run, target];
      };
      const sides = { current: await prepare(candidateUrl), baseline: await prepare(baselineUrl) };
      const runs = { current: [], baseline: [], currentGets: [], baselineGets: [] };
      for (let pass = 0; pass < ROUNDS; pass++) {
        const order = pass % 2 === 0 ? ['baseline', 'current'] : ['current', 'baseline'];
        for (const which of order) {
          const [store, experiment, run, target] = sides[which];
          runs[which].push(await logFrom(store, experiment, 1));
          runs[`${which}Gets`].push(await getsPerSecond(target, run));
        }
      }
      const best = (values) => Math.max(...values);
      const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
      compared = {
        rounds: ROUNDS,
        oneClientPointsPerSecond: runs.current,
        baselineOneClientPointsPerSecond: runs.baseline,
        getsPerSecondRounds: runs.currentGets,
        baselineGetsPerSecond: runs.baselineGets,
        httpOverBaselineOneClientBest: round(best(runs.current) / best(runs.baseline)),
        httpOverBaselineOneClientMedian: round(median(runs.current) / median(runs.baseline)),
        getsOverBaselineBest: round(best(runs.currentGets) / best(runs.baselineGets)),
        getsOverBaselineMedian: round(median(runs.currentGets) / median(runs.baselineGets)),
      };
    }
    result = {
      benchmark: 'tracking-http',
      target: { pointsPerSecond: 50_000 },
      batch: BATCH,
      pointsPerClient: POINTS_PER_CLIENT,
      httpOneClientPointsPerSecond: http1,
      httpFourClientsPointsPerSecond: http4,
      directOneClientPointsPerSecond: direct1,
      directFourClientsPointsPerSecond: direct4,
      httpOverDirectOneClient: round(http1 / direct1),
      httpOverDirectFourClients: round(http4 / direct4),
      getsPerSecond: gets,
      ...compared,
      pass: http1 >= 50_000,
    };
  } finally {
    await workspace.close();
  }
} finally {
  await stopServer(server);
  if (baseline) await stopServer(baseline);
  if (candidate) await stopServer(candidate);
  for (const folder of [dir, baselineDir, candidateDir]) if (folder) rmSync(folder, { recursive: true, force: true });
}
console.log(JSON.stringify(result, null, 2));
