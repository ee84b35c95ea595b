#!/usr/bin/env node
// The web UI in Debian's Chromium (playwright-core), against `mlp server` in this process on a
// workspace of its own (PostgreSQL from MLP_TEST_POSTGRES_URL when reachable, else the embedded engine).
// Targets, measured with the page's Performance API (performance.now() since navigation start):
//  - an experiment of 10,000 runs: first render of its runs table < 1 s; scrolling the whole table
//    with no long task > 50 ms (PerformanceObserver 'longtask');
//  - a 1,000,000-point metric: API downsampling + chart drawn < 500 ms (the run page's fetch and
//    uPlot render, timed in the page), the server's downsampling alone reported beside it, and the
//    store's reduction (merged from its rollup) against what it replaces (a plain read of the whole history);
//  - 100 runs × 10 metrics compared: every chart drawn < 1 s.
//  - a run with 5,000 metric keys: its page drawn, and the longest task scrolling its metric list
//    (MLflow's UI crashes there: mlflow#24012, #11927).
// Initial JavaScript (gzipped) is reported against its 300 KB limit.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { openWorkspace } from '@mlp/core';
import { createTempDir, createTestDatabase } from '@mlp/core/testing';
import { createServer } from '@mlp/server';
import { openSqlTrackingStore } from '@mlp/tracking';
import { launchBenchChromium, logTableRuns, scrollToEnd } from './lib/ui-bench.mjs';

const RUNS = Number(process.env.BENCH_UI_RUNS ?? 10_000);
const POINTS = Number(process.env.BENCH_UI_POINTS ?? 1_000_000);
const KEYS = Number(process.env.BENCH_UI_KEYS ?? 5000);
const round = (value) => Math.round(value * 10) / 10;

const dir = await createTempDir('mlp-bench-ui-');
let database;
try {
  database = await createTestDatabase('mlp_bench_ui');
} catch {
  database = undefined;
}
const workspace = await openWorkspace({ dir: dir.path, logLevel: 'warn', ...(database ? { database: { url: database.url } } : {}) });
const tracking = await openSqlTrackingStore(workspace, { enforceBatchLimits: false });
const server = createServer({ workspace, tracking });
const url = await server.listen({ port: 0 });
const browser = await launchBenchChromium();
const results = { database: database ? 'postgresql' : 'embedded', load_average_start: round(loadavg()[0]) };
try {
  // 10,000 runs with 5 params and 5 metrics each.
  const big = (await tracking.createExperiment({ name: 'bench-10k' })).experimentId;
  let setup = performance.now();
  await logTableRuns(tracking, big, RUNS);
  results.setup_runs_s = round((performance.now() - setup) / 1000);

  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`${url}/experiments`);
  await page.goto(`${url}/experiments/${big}`);
  await page.waitForFunction(
    (n) =>
      document.querySelector('[data-testid=run-count]')?.textContent?.startsWith(`${n} runs`) && document.querySelector('[data-run-id]'),
    RUNS,
  );
  results.table_first_render_ms = round(await page.evaluate(() => performance.now()));
  results.table_first_render_limit_ms = 1000;
  // Scroll the whole table a viewport per frame, recording long tasks; the peer is the same scroll over
  // an empty scroller of the same height at the same moment (what the machine's load alone costs).
  const table = await page.evaluate(scrollToEnd, '[data-testid=runs-body]');
  results.scroll_longest_task_ms = table.longest_ms;
  results.scroll_long_tasks = table.count;
  results.scroll_steps = table.steps;
  const blank = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await blank.setContent(`<div id="b" style="height:680px;overflow-y:auto"><div style="height:${RUNS * 28}px"></div></div>`);
  const peer = await blank.evaluate(scrollToEnd, '#b');
  await blank.close();
  results.scroll_peer_empty_longest_task_ms = peer.longest_ms;
  results.scroll_peer_empty_long_tasks = peer.count;
  results.scroll_long_task_limit_ms = 50;

  // A run with 5,000 metric keys (three steps each): its page drawn (the metric list's first row), and
  // the longest task while its metric list scrolls to the end.
  const wide = (await tracking.createExperiment({ name: 'bench-keys' })).experimentId;
  const wideRun = (await tracking.createRun({ experimentId: wide, name: 'keys' })).runId;
  for (let start = 0; start < KEYS; start += 1000) {
    const metrics = [];
    for (let k = start; k < Math.min(KEYS, start + 1000); k++)
      for (let step = 0; step < 3; step++) metrics.push({ key: `key_${k}`, value: k + step, timestamp: 1_700_000_000_000 + step, step });
    await tracking.logBatch(wideRun, { metrics });
  }
  await page.goto(`${url}/runs/${wideRun}`);
  await page.waitForFunction(() => document.querySelector('[data-testid=metrics] th'));
  results.run_keys = KEYS;
  results.run_keys_first_render_ms = round(await page.evaluate(() => performance.now()));
  const list = await page.evaluate(scrollToEnd, '.kv-box:has([data-testid=metrics])');
  results.run_keys_list_scroll_longest_task_ms = list.longest_ms;
  results.run_keys_list_scroll_steps = list.steps;

  // 1,000,000 points in one metric.
  const long = (await tracking.createExperiment({ name: 'bench-long' })).experimentId;
  const longRun = (await tracking.createRun({ experimentId: long, name: 'long' })).runId;
  setup = performance.now();
  for (let start = 0; start < POINTS; start += 20_000) {
    const metrics = Array.from({ length: Math.min(20_000, POINTS - start) }, (_, i) => ({
      key: 'loss',
      value: Math.sin((start + i) / 5000) + Math.random() * 0.1,
      timestamp: 1_700_000_000_000 + start + i,
      step: start + i,
    }));
    await tracking.logBatch(longRun, { metrics });
  }
  results.setup_points_s = round((performance.now() - setup) / 1000);
  // The store's reduction in the database against the limit it replaces: reading the whole history.
  let start = performance.now();
  const [summary] = await tracking.summarizeMetricHistories([{ runId: longRun, key: 'loss' }], { buckets: 800 });
  results.million_summary_sql_ms = round(performance.now() - start);
  results.million_summary_points = summary.points.length;
  start = performance.now();
  let read = 0;
  let pageToken;
  do {
    const page = await tracking.getMetricHistory(longRun, 'loss', pageToken ? { pageToken } : {});
    read += page.items.length;
    pageToken = page.nextPageToken;
  } while (pageToken);
  results.million_full_read_ms = round(performance.now() - start);
  results.million_full_read_points = read;
  results.summary_vs_full_read = Math.round((results.million_summary_sql_ms / results.million_full_read_ms) * 1000) / 1000;
  const api = performance.now();
  const answer = await (await fetch(`${url}/api/ui/runs/${longRun}/metrics/loss?width=800`)).json();
  results.million_api_ms = round(performance.now() - api);
  results.million_points_sent = answer.x.length;
  await page.goto(`${url}/runs/${longRun}`);
  await page.waitForFunction(() => document.querySelector('[data-chart^="loss"] canvas'));
  results.million_page_chart_ms = round(await page.evaluate(() => performance.now()));
  results.million_limit_ms = 500;
  // Where the page's time goes (Resource Timing, ms since navigation start): the run's request, the
  // metric's request (sent once the chart is in view), and what follows its answer (JSON, uPlot draw).
  const timings = await page.evaluate((runId) => {
    const entry = (end) => performance.getEntriesByType('resource').find((e) => e.name.split('?')[0].endsWith(end));
    const run = entry(`/api/ui/runs/${runId}`);
    const metric = entry(`/api/ui/runs/${runId}/metrics/loss`);
    return { run: run && [run.startTime, run.responseEnd], metric: metric && [metric.startTime, metric.responseEnd] };
  }, longRun);
  if (timings.run && timings.metric) {
    results.million_page_run_request_ms = timings.run.map(round);
    results.million_page_metric_request_ms = timings.metric.map(round);
    results.million_page_after_metric_answer_ms = round(results.million_page_chart_ms - timings.metric[1]);
  }

  // 100 runs × 10 metrics of 1,000 steps each, compared.
  const cmp = (await tracking.createExperiment({ name: 'bench-compare' })).experimentId;
  const ids = [];
  for (let r = 0; r < 100; r++) {
    const run = await tracking.createRun({ experimentId: cmp, name: `c-${r}` });
    ids.push(run.runId);
    const metrics = [];
    for (let k = 0; k < 10; k++)
      for (let step = 0; step < 1000; step++)
        metrics.push({ key: `metric_${k}`, value: Math.exp(-step / (100 + r)) + k, timestamp: 1_700_000_000_000 + step, step });
    await tracking.logBatch(run.runId, { metrics, params: [{ key: 'lr', value: String(r / 1000) }] });
  }
  // The compare page's two API calls alone: the runs by id, and one chart's histories (100 runs, one key).
  const query = ids.map((id) => `run_id=${id}`).join('&');
  start = performance.now();
  await (await fetch(`${url}/api/ui/runs?${query}`)).json();
  results.compare_runs_api_ms = round(performance.now() - start);
  start = performance.now();
  await (await fetch(`${url}/api/ui/metric-histories?${query}&key=metric_0&width=100`)).json();
  results.compare_one_chart_api_ms = round(performance.now() - start);
  // What the page asks now: the 10 charts' histories in one request, buckets of at least 64 steps.
  const keys = Array.from({ length: 10 }, (_, k) => `key=metric_${k}`).join('&');
  start = performance.now();
  const all = await (await fetch(`${url}/api/ui/metric-histories?${query}&${keys}&width=100&x=step&min_bucket_steps=64`)).text();
  results.compare_all_charts_api_ms = round(performance.now() - start);
  results.compare_all_charts_api_kb = Math.round(all.length / 1024);
  start = performance.now();
  JSON.parse(all);
  results.compare_all_charts_json_parse_ms = round(performance.now() - start);
  const tall = await browser.newPage({ viewport: { width: 1400, height: 3000 } });
  await tall.goto(`${url}/compare?runs=${ids.join(',')}`);
  await tall.waitForFunction(() => document.querySelectorAll('.charts [data-chart] canvas').length >= 10);
  results.compare_100x10_ms = round(await tall.evaluate(() => performance.now()));
  results.compare_limit_ms = 1000;
  // Where compare's time goes (Resource Timing, ms since navigation start): the runs' request, then each
  // chart's histories request — sent, first byte (server time plus queueing), last byte, its size — and
  // what follows the last answer (JSON parse, aligning, uPlot's draws).
  const compare = await tall.evaluate(() => {
    const api = performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/ui/'));
    const span = (e) => ({
      start: Math.round(e.startTime),
      first_byte: Math.round(e.responseStart),
      end: Math.round(e.responseEnd),
      kb: Math.round(e.decodedBodySize / 1024),
    });
    return {
      runs: api.filter((e) => e.name.split('?')[0].endsWith('/api/ui/runs')).map(span),
      charts: api.filter((e) => e.name.includes('/api/ui/metric-histories')).map(span),
    };
  });
  results.compare_runs_request = compare.runs[0];
  results.compare_chart_requests = compare.charts;
  if (compare.charts.length)
    results.compare_after_last_answer_ms = round(results.compare_100x10_ms - Math.max(...compare.charts.map((c) => c.end)));

  const root = path.resolve(import.meta.dirname, '..', '..', 'packages', 'server', 'dist', 'ui');
  const html = readFileSync(path.join(root, 'index.html'), 'utf8');
  const scripts = [...html.matchAll(/src="\/assets\/([^"]+\.js)"/g)].map((m) => m[1]);
  results.initial_js_gzip_kb = round(
    scripts.reduce((sum, f) => sum + gzipSync(readFileSync(path.join(root, 'assets', f))).length, 0) / 1024,
  );
  results.initial_js_limit_kb = 300;
  results.load_average_end = round(loadavg()[0]);
} finally {
  await browser.close();
  await server.close();
  await workspace.close();
  await database?.drop();
  await dir.remove();
}
console.log(JSON.stringify({ bench: 'ui', ...results }, null, 2));
