#!/usr/bin/env node
// Where the runs table's scroll time goes: the bench's scroll of a 10,000-run table (a viewport a
// step, two frames a step) under a Chromium trace, the renderer main thread's CPU time split into
// script / style / layout / paint / gc (tools/bench/lib/chromium-trace.mjs), against the peer: the
// same scroll over an empty scroller of the same height in the same browser. On a loaded machine the
// long tasks' wall time is mostly waiting for a core; CPU a step is what the table itself costs.
import { loadavg } from 'node:os';
import { openWorkspace } from '@mlp/core';
import { createTempDir, createTestDatabase } from '@mlp/core/testing';
import { createServer } from '@mlp/server';
import { openSqlTrackingStore } from '@mlp/tracking';
import { analyzeMainThread, traceCategories } from './lib/chromium-trace.mjs';
import { launchBenchChromium, logTableRuns, scrollToEnd } from './lib/ui-bench.mjs';

const RUNS = Number(process.env.BENCH_UI_RUNS ?? 10_000);
const round = (value) => Math.round(value * 10) / 10;

/** Scrolls `selector` to its end a viewport a step (two frames a step) under a trace; CPU a step and its split. */
async function tracedScroll(browser, page, selector) {
  await browser.startTracing(page, { categories: traceCategories });
  const { steps } = await page.evaluate(scrollToEnd, selector);
  const { all, long, longest } = analyzeMainThread(JSON.parse((await browser.stopTracing()).toString()));
  const perStep = Object.fromEntries(
    Object.entries(all)
      .filter(([k]) => k.startsWith('cpu'))
      .map(([k, v]) => [`${k}_per_step`, round(v / steps)]),
  );
  return { steps, ...perStep, long_tasks: long.tasks, long_tasks_wall_ms: long.ms, long_tasks_cpu_ms: long.cpu_ms, longest_task: longest };
}

const dir = await createTempDir('mlp-bench-ui-trace-');
const database = await createTestDatabase('mlp_bench_ui_trace').catch(() => undefined);
const workspace = await openWorkspace({ dir: dir.path, logLevel: 'warn', ...(database ? { database: { url: database.url } } : {}) });
const tracking = await openSqlTrackingStore(workspace, { enforceBatchLimits: false });
const server = createServer({ workspace, tracking });
const url = await server.listen({ port: 0 });
const browser = await launchBenchChromium();
const results = { runs: RUNS, load_average_start: round(loadavg()[0]) };
try {
  // The ui bench's table: RUNS runs of 5 params and 5 metrics.
  const experimentId = (await tracking.createExperiment({ name: 'bench-trace' })).experimentId;
  await logTableRuns(tracking, experimentId, RUNS);
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`${url}/experiments/${experimentId}`);
  // Every page loaded first: the trace is the scroll's work alone, not the pages' arrival.
  await page.waitForFunction((n) => document.querySelector('[data-testid=run-count]')?.textContent === `${n} runs`, RUNS, {
    timeout: 120_000,
  });
  results.table = await tracedScroll(browser, page, '[data-testid=runs-body]');
  const blank = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await blank.setContent(`<div id="b" style="height:680px;overflow-y:auto"><div style="height:${RUNS * 28}px"></div></div>`);
  results.peer_empty_scroller = await tracedScroll(browser, blank, '#b');
  results.table_vs_empty_cpu = round(results.table.cpu_ms_per_step / results.peer_empty_scroller.cpu_ms_per_step);
  results.load_average_end = round(loadavg()[0]);
} finally {
  await browser.close();
  await server.close();
  await workspace.close();
  await database?.drop();
  await dir.remove();
}
console.log(JSON.stringify({ bench: 'ui-scroll-trace', ...results }, null, 2));
