#!/usr/bin/env node
// Logging throughput through the SDK (logMetric → buffer → SQL store) on the embedded database and
// a PostgreSQL server, against the database's own limit measured in the same run: the same number of
// points generated inside the server and inserted into the points table (no client, no transfer),
// in statements of the SDK's batch size. Also the cost of one logMetric call.
// With BENCH_BASELINE_TRACKING=<another build's packages/tracking folder>, that build and this one also
// log through the SDK into fresh PostgreSQL databases of their own (their migrations may differ), in
// interleaved ABBA rounds (BENCH_ROUNDS, default 4) while their tables grow alike: before/after ratios.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { openWorkspace } from '@mlp/core';
import { createTempDir, createTestDatabase } from '@mlp/core/testing';
import { createTracking } from '@mlp/tracking';
import { onBothBackends } from './lib/on-both-backends.mjs';

const POINTS = Number(process.env.BENCH_POINTS ?? 500_000);
const KEYS = 10;
const round = (value) => Math.round(value * 10) / 10;
const ratio = (value) => Math.round(value * 100) / 100;

async function throughSdk(workspace, create = createTracking) {
  const tracking = create(workspace, { captureProvenance: false, handleSignals: false });
  const run = await tracking.startRun({ experiment: 'bench-logging' });
  const costs = new Float64Array(POINTS);
  const started = performance.now();
  for (let i = 0; i < POINTS; i++) {
    const before = performance.now();
    const wait = run.logMetric(`metric_${i % KEYS}`, i * 0.001, { step: Math.floor(i / KEYS) });
    costs[i] = performance.now() - before;
    if (wait) await wait; // backpressure: the buffer is full, wait for the store
  }
  await run.end();
  const seconds = (performance.now() - started) / 1000;
  await tracking.close();
  costs.sort();
  const [row] = await workspace.db.query(
    'select count(*)::int as n from tracking_metric_points p join tracking_latest_metrics l using (series_id) where l.run_id = $1',
    [run.runId],
  );
  if (row.n !== POINTS) throw new Error(`stored ${row.n} points, expected ${POINTS}`);
  return {
    pointsPerSecond: Math.round(POINTS / seconds),
    logMetricP50Us: round(costs[Math.floor(POINTS * 0.5)] * 1000),
    logMetricP99Us: round(costs[Math.floor(POINTS * 0.99)] * 1000),
  };
}

async function serverSideInserts(workspace) {
  const batch = 20_000;
  const started = performance.now();
  for (let offset = 0; offset < POINTS; offset += batch) {
    await workspace.db.query(
      `insert into tracking_metric_points (series_id, step, timestamp, value, is_nan)
       select -1 - i % $3, i / $3, $4, i * 0.001, false from generate_series($1::int8, $2::int8 - 1) i`,
      [offset, Math.min(offset + batch, POINTS), KEYS, Date.now()],
    );
  }
  return Math.round(POINTS / ((performance.now() - started) / 1000));
}

async function measure(label, workspace) {
  const sdk = await throughSdk(workspace);
  const serverSidePointsPerSecond = await serverSideInserts(workspace);
  return {
    backend: label,
    points: POINTS,
    ...sdk,
    serverSidePointsPerSecond,
    sdkOverServerSide: round(sdk.pointsPerSecond / serverSidePointsPerSecond),
  };
}

/** This build against the baseline build, ABBA, each on a PostgreSQL database of its own. */
async function againstBaseline(baselineDir) {
  const baseline = await import(pathToFileURL(path.join(path.resolve(baselineDir), 'dist', 'index.js')).href);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 4);
  const sides = {};
  const opened = [];
  try {
    for (const [name, create] of [
      ['current', createTracking],
      ['baseline', baseline.createTracking],
    ]) {
      const database = await createTestDatabase(`mlp_bench_${name}`);
      const dir = await createTempDir(`mlp-bench-logging-${name}-`);
      const workspace = await openWorkspace({ dir: dir.path, logLevel: 'warn', database: { url: database.url } });
      opened.push({ database, dir, workspace });
      sides[name] = { workspace, create, pointsPerSecond: [] };
    }
    for (let pass = 0; pass < rounds; pass++) {
      for (const name of pass % 2 === 0 ? ['baseline', 'current'] : ['current', 'baseline']) {
        const side = sides[name];
        side.pointsPerSecond.push((await throughSdk(side.workspace, side.create)).pointsPerSecond);
      }
    }
  } finally {
    for (const { database, dir, workspace } of opened) {
      await workspace.close();
      await database.drop();
      await dir.remove();
    }
  }
  const best = (values) => Math.max(...values);
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  return {
    rounds,
    backend: 'postgres',
    pointsPerSecond: sides.current.pointsPerSecond,
    baselinePointsPerSecond: sides.baseline.pointsPerSecond,
    overBaselineBest: ratio(best(sides.current.pointsPerSecond) / best(sides.baseline.pointsPerSecond)),
    overBaselineMedian: ratio(median(sides.current.pointsPerSecond) / median(sides.baseline.pointsPerSecond)),
  };
}

const baselineDir = process.env.BENCH_BASELINE_TRACKING;
const results = process.env.BENCH_ONLY_BASELINE ? [] : await onBothBackends('logging', measure);
const compared = baselineDir ? { againstBaseline: await againstBaseline(baselineDir) } : {};
console.log(
  JSON.stringify(
    {
      benchmark: 'tracking-logging',
      targets: { embeddedPointsPerSecond: 200_000, postgresPointsPerSecond: 100_000, logMetricP99Us: 20 },
      results,
      ...compared,
    },
    null,
    2,
  ),
);
