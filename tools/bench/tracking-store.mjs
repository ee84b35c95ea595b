#!/usr/bin/env node
// Tracking store benchmarks on both SQL backends (embedded, PostgreSQL server):
// - search with a filter and an order over 10,000 runs (20 params, 10 metrics each), target < 100 ms,
//   against the same question asked in hand-written SQL (the peer in the same run);
// - reading the history of one metric with 1,000,000 points, target < 1 s, against one raw node-pg SELECT
//   of the same rows;
// - listing runs with and without that long history present (it must not slow listing).
import { openSqlTrackingStore } from '@mlp/tracking';
import { onBothBackends } from './lib/on-both-backends.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 10_000);
const POINTS = Number(process.env.BENCH_POINTS ?? 1_000_000);
const REPEATS = 7;

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const round = (value) => Math.round(value * 10) / 10;
async function time(fn) {
  const samples = [];
  for (let i = 0; i < REPEATS; i++) {
    const started = performance.now();
    await fn();
    samples.push(performance.now() - started);
  }
  return round(median(samples));
}

async function seed(db, experimentId) {
  // Bulk SQL: the benchmark measures reading, not the seeding path.
  await db.query(
    `insert into tracking_runs (run_id, experiment_id, name, status, start_time, artifact_uri)
     select md5(i::text), $1, 'run-' || i, 'FINISHED', 1700000000000 + i, 'mlflow-artifacts:/x' from generate_series(1, $2) i`,
    [experimentId, RUNS],
  );
  await db.query(
    `insert into tracking_params (run_id, key, value)
     select md5(i::text), 'p' || k, 'v' || ((i + k) % 7) from generate_series(1, $1) i, generate_series(0, 19) k`,
    [RUNS],
  );
  await db.query(
    `insert into tracking_latest_metrics (run_id, key, value, is_nan, timestamp, step)
     select md5(i::text), 'm' || k, ((i * 7919 + k * 104729) % 10000) / 10000.0, false, 1700000000000 + i, 0
     from generate_series(1, $1) i, generate_series(0, 9) k`,
    [RUNS],
  );
  await db.query(
    `insert into tracking_metric_points (series_id, step, timestamp, value, is_nan)
     select series_id, step, timestamp, value, is_nan from tracking_latest_metrics`,
  );
  await db.query('analyze');
}

async function measure(label, workspace) {
  const store = await openSqlTrackingStore(workspace);
  const { experimentId } = await store.createExperiment({ name: `bench-${Date.now()}` });
  await seed(workspace.db, Number(experimentId));

  const filter = "metrics.m0 > 0.5 and params.p1 = 'v3'";
  const orderBy = ['metrics.m2 DESC'];
  const searchMs = await time(() => store.searchRuns({ experimentIds: [experimentId], filter, orderBy, maxResults: 100 }));
  const peerSql = `select r.run_id from tracking_runs r
    join tracking_latest_metrics m0 on m0.run_id = r.run_id and m0.key = 'm0'
    join tracking_params p1 on p1.run_id = r.run_id and p1.key = 'p1'
    left join tracking_latest_metrics m2 on m2.run_id = r.run_id and m2.key = 'm2'
    where r.experiment_id = $1 and m0.value > 0.5 and p1.value = 'v3'
    order by m2.value desc nulls last, r.start_time desc, r.run_id limit 100`;
  const peerSearchMs = await time(() => workspace.db.query(peerSql, [Number(experimentId)]));
  const listMs = await time(() => store.searchRuns({ experimentIds: [experimentId], maxResults: 100 }));

  const long = await store.createRun({ experimentId, name: 'long-history' });
  await store.logBatch(long.runId, { metrics: [{ key: 'loss', value: 1, timestamp: 1700000000000, step: 0 }] });
  const [series] = await workspace.db.query("select series_id from tracking_latest_metrics where run_id = $1 and key = 'loss'", [
    long.runId,
  ]);
  await workspace.db.query(
    `insert into tracking_metric_points (series_id, step, timestamp, value, is_nan)
     select $1, s, 1700000000000 + s, 1.0 / (s + 1), false from generate_series(1, $2 - 1) s`,
    [series.series_id, POINTS],
  );
  await workspace.db.query('analyze tracking_metric_points');
  const historyMs = await time(async () => {
    let pageToken;
    let count = 0;
    do {
      const page = await store.getMetricHistory(long.runId, 'loss', pageToken ? { pageToken } : {});
      count += page.items.length;
      pageToken = page.nextPageToken;
    } while (pageToken);
    if (count !== POINTS) throw new Error(`read ${count} points, expected ${POINTS}`);
  });
  const peerHistoryMs = await time(() =>
    workspace.db.query('select value, timestamp, step from tracking_metric_points where series_id = $1 order by step, timestamp', [
      series.series_id,
    ]),
  );
  const listWithLongHistoryMs = await time(() => store.searchRuns({ experimentIds: [experimentId], maxResults: 100 }));

  return {
    backend: label,
    runs: RUNS,
    searchMs,
    peerSearchMs,
    searchOverPeer: round(searchMs / peerSearchMs),
    listMs,
    historyPoints: POINTS,
    historyMs,
    peerHistoryMs,
    historyOverPeer: round(historyMs / peerHistoryMs),
    listWithLongHistoryMs,
    pass: searchMs < 100 && historyMs < 1000 && listWithLongHistoryMs < listMs * 1.5 + 5,
  };
}

const results = await onBothBackends('tracking-store', measure);
console.log(JSON.stringify({ benchmark: 'tracking-store', targets: { searchMs: 100, historyMs: 1000 }, results }, null, 2));
