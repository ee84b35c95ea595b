#!/usr/bin/env node
// Metric logging over HTTP: `mlp server` runs in its own process on an embedded workspace, and the
// MLflow REST client store sends MLflow `log-batch` requests of 1,000 metrics (MLflow's limit), from
// one client and from four at once. The peer, in the same run and on the same database: the same
// batches written by the SQL store in this process, without HTTP. Target: >= 50,000 points/s.
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openWorkspace } from '@mlp/core';
import { openSqlTrackingStore } from '@mlp/tracking';
import { createMlflowTrackingStore } from '@mlp/tracking/mlflow';

const POINTS_PER_CLIENT = Number(process.env.BENCH_POINTS ?? 200_000);
const BATCH = 1000;
const root = path.resolve(import.meta.dirname, '..', '..');
const cli = path.join(root, 'packages', 'cli', 'dist', 'bin.js');
const round = (value) => Math.round(value * 10) / 10;

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

const dir = mkdtempSync(path.join(tmpdir(), 'mlp-bench-http-'));
chmodSync(dir, 0o755);
const port = await freePort();
const url = `http://127.0.0.1:${port}`;
const server = spawn(process.execPath, [cli, '-C', dir, '--log-level', 'warn', 'server', '--port', String(port)], {
  stdio: ['ignore', 'ignore', 'inherit'],
});
let result;
try {
  await waitForHealth(url, server);
  const http = createMlflowTrackingStore({ url });
  const workspace = await openWorkspace({ dir, logLevel: 'warn' }); // joins the server's embedded database
  try {
    const direct = await openSqlTrackingStore(workspace);
    const { experimentId } = await direct.createExperiment({ name: 'bench-http' });
    const http1 = await logFrom(http, experimentId, 1);
    const http4 = await logFrom(http, experimentId, 4);
    const direct1 = await logFrom(direct, experimentId, 1);
    const direct4 = await logFrom(direct, experimentId, 4);
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
      pass: http1 >= 50_000,
    };
  } finally {
    await workspace.close();
  }
} finally {
  server.kill('SIGTERM');
  await new Promise((resolve) => (server.exitCode !== null ? resolve() : server.once('exit', resolve)));
  rmSync(dir, { recursive: true, force: true });
}
console.log(JSON.stringify(result, null, 2));
