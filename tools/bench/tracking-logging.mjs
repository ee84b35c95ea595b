#!/usr/bin/env node
// Logging throughput through the SDK (logMetric → buffer → SQL store) on the embedded database and
// a PostgreSQL server, against the database's own limit measured in the same run: the same number of
// points generated inside the server and inserted into the points table (no client, no transfer),
// in statements of the SDK's batch size. Also the cost of one logMetric call.
import { createTracking } from '@mlp/tracking';
import { onBothBackends } from './lib/on-both-backends.mjs';

const POINTS = Number(process.env.BENCH_POINTS ?? 500_000);
const KEYS = 10;
const round = (value) => Math.round(value * 10) / 10;

async function throughSdk(workspace) {
  const tracking = createTracking(workspace, { captureProvenance: false, handleSignals: false });
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

const results = await onBothBackends('logging', measure);
console.log(
  JSON.stringify(
    {
      benchmark: 'tracking-logging',
      targets: { embeddedPointsPerSecond: 200_000, postgresPointsPerSecond: 100_000, logMetricP99Us: 20 },
      results,
    },
    null,
    2,
  ),
);
