import { writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { openWorkspace, type PredictionLogEntry, verifySignature, type Workspace } from '@mlp/core';
import { openTestWorkspace, type TestWorkspace } from '@mlp/core/testing';
import { createPredictionLog, createPredictionLogReader } from '@mlp/deploy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAlertStore } from '../alerts/alert-store.js';
import { createMonitorMetrics } from '../prometheus/monitor-metrics.js';
import { startMonitorScheduler } from './monitor-scheduler.js';
import { parseMonitorSpec } from './monitor-spec.js';
import { type MonitorStore, openMonitorStore } from './monitor-store.js';
import { startMonitorWebhooks } from './monitor-webhooks.js';
import { runMonitor } from './run-monitor.js';

// A monitor end to end on real parts: a reference CSV, predictions written by deploy's prediction log
// into the workspace's blobs and read back by its reader, results and alerts in PostgreSQL, signed
// webhooks to a real HTTP receiver, and two schedulers on two workspaces racing for the same tick.

const hour = 3_600_000;
const t0 = Date.UTC(2026, 10, 2, 0, 0, 0);
const origins = ['SEA', 'SFO', 'LAX', 'ORD'];

let test: TestWorkspace;
let workspace: Workspace;
let store: MonitorStore;
const received: { headers: IncomingHttpHeaders; body: string }[] = [];
const receiver = createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => {
    body += chunk;
  });
  req.on('end', () => {
    received.push({ headers: req.headers, body });
    res.writeHead(204).end();
  });
});

beforeAll(async () => {
  test = await openTestWorkspace('postgres', 'mlp-monitor-run-');
  workspace = test.workspace;
  store = await openMonitorStore(workspace);
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const rows = Array.from({ length: 400 }, (_, i) => `${(i * 7) % 60},${origins[i % 4]}`);
  await writeFile(path.join(workspace.config.dir, 'reference.csv'), `delay,origin\n${rows.join('\n')}\n`);
});
afterAll(async () => {
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
  await test?.cleanup();
});

/** Logs `count` requests of one record each in the hour starting at `start`, through deploy's prediction log. */
async function logHour(start: number, count: number, shift: number, origin?: string) {
  const log = createPredictionLog({ blobs: workspace.blobs, flushIntervalMs: 50 });
  for (let i = 0; i < count; i++) {
    const entry: PredictionLogEntry = {
      at: start + Math.floor((i * hour) / count),
      model: 'flights',
      modelVersion: '2',
      deployment: 'flights',
      requestId: `r-${start}-${i}`,
      kind: 'records',
      inputs: [{ delay: ((i * 7) % 60) + shift, origin: origin ?? origins[i % 4] }],
      outputs: [i % 2],
      latencyMs: 5 + (i % 20),
    };
    log.record(entry);
  }
  await log.close();
}

describe('monitors on a deployment’s prediction log', () => {
  it('computes each window, stores it, fires an alert after `for`, resolves it, and signs its webhooks', async () => {
    const port = (receiver.address() as AddressInfo).port;
    const { webhookSecret } = await store.create(
      parseMonitorSpec({
        name: 'flights',
        source: { kind: 'deployment', deployment: 'flights', model: 'flights' },
        reference: { kind: 'file', file: path.join(workspace.config.dir, 'reference.csv') },
        windowMs: hour,
        alerts: [{ name: 'drift', metric: 'drift_share', op: '>=', threshold: 0.5, forMs: hour }],
        webhookUrl: `http://127.0.0.1:${port}/hooks/mlp`,
      }),
    );
    expect(webhookSecret).toMatch(/^[\w-]{20,}$/);
    await logHour(t0, 300, 0);
    await logHour(t0 + hour, 300, 40, 'JFK');
    await logHour(t0 + 2 * hour, 300, 40, 'JFK');
    await logHour(t0 + 3 * hour, 300, 0);
    const predictionLog = createPredictionLogReader({ blobs: workspace.blobs });
    const metrics = createMonitorMetrics();
    const runAt = (end: number) => runMonitor(workspace, 'flights', { windowEnd: end, predictionLog, metrics });

    // The sender starts first: a new durable consumer takes the events published after its cursor exists.
    const webhooks = startMonitorWebhooks(workspace, { allowedNetworks: ['127.0.0.0/8'], pollIntervalMs: 50 });
    while ((await workspace.db.query("select 1 from mlp_event_consumers where consumer = 'monitor.webhooks'")).length === 0)
      await new Promise((resolve) => setTimeout(resolve, 20));
    const calm = await runAt(t0 + hour);
    expect(calm.result.rows).toBe(300);
    expect(calm.result.drift.datasetDrift).toBe(false);
    expect(calm.result.latencyMs?.max).toBe(24);
    expect(calm.result.modelVersions).toEqual({ '2': 300 });
    expect(calm.transitions).toEqual([]);

    const shifted = await runAt(t0 + 2 * hour);
    expect(shifted.result.drift.datasetDrift).toBe(true);
    expect(shifted.result.drift.columns.filter((c) => c.drifted).map((c) => c.column)).toEqual(['delay', 'origin']);
    expect(shifted.transitions).toEqual([]); // pending: `for` 1h not yet held
    // Data quality against the reference profile: JFK is a category the reference never held.
    const origin = shifted.result.dataQuality?.columns.find((column) => column.column === 'origin');
    expect(origin?.newCategories).toMatchObject({ share: 1, values: ['JFK'], failed: true });
    expect(calm.result.dataQuality?.columns.find((column) => column.column === 'origin')?.failed).toBe(false);
    const fired = await runAt(t0 + 3 * hour);
    expect(fired.transitions.map((t) => [t.kind, t.rule])).toEqual([['fired', 'drift']]);
    // The same window again replaces its result and fires nothing twice.
    expect((await runAt(t0 + 3 * hour)).transitions).toEqual([]);
    const resolved = await runAt(t0 + 4 * hour);
    expect(resolved.transitions.map((t) => t.kind)).toEqual(['resolved']);
    // A window without predictions is stored with its problem, not thrown.
    const empty = await runAt(t0 + 6 * hour);
    expect(empty.result.problem).toMatch(/no predictions/);

    const over = await store.driftOverTime('flights');
    expect(over.map((point) => [point.windowEnd - t0, point.datasetDrift])).toEqual([
      [hour, false],
      [2 * hour, true],
      [3 * hour, true],
      [4 * hour, false],
      [6 * hour, false],
    ]);
    expect(over[1]?.columns.find((c) => c.column === 'delay')?.test).toBe('ks'); // a reference of at most 1,000 rows
    expect((await store.results('flights', { limit: 1 }))[0]?.windowEnd).toBe(t0 + 6 * hour);
    expect((await metrics.registry.metrics()).includes('mlp_monitor_dataset_drift{monitor="flights"} 0')).toBe(true);
    const history = await (await openAlertStore(workspace)).list({ monitor: 'flights' });
    expect(history.map((alert) => alert.state)).toEqual(['resolved']);

    try {
      while (received.length < 2) await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      await webhooks.close();
    }
    expect(received.map((hook) => hook.headers['x-mlp-event'])).toEqual(['monitor.alert_fired', 'monitor.alert_resolved']);
    for (const hook of received) {
      expect(verifySignature(webhookSecret as string, hook.body, hook.headers['x-mlp-signature-256'] as string)).toBe(true);
      expect(verifySignature('another-secret', hook.body, hook.headers['x-mlp-signature-256'] as string)).toBe(false);
    }
    const body = JSON.parse(received[0]?.body ?? '{}');
    expect(body.alert).toMatchObject({ monitor: 'flights', rule: 'drift', active_since: t0 + 2 * hour, at: t0 + 3 * hour });
  });

  it('runs a scheduled tick exactly once across two schedulers on two workspaces', async () => {
    await store.create(
      parseMonitorSpec({
        name: 'hourly',
        source: { kind: 'deployment', deployment: 'flights', model: 'flights' },
        reference: { kind: 'file', file: path.join(workspace.config.dir, 'reference.csv') },
        windowMs: hour,
        schedule: { everyMs: hour },
      }),
    );
    const other = await openWorkspace({ dir: workspace.config.dir, database: { url: workspace.config.database.url }, logLevel: 'warn' });
    const predictionLog = createPredictionLogReader({ blobs: workspace.blobs });
    const ticks: { by: string; tick: number }[] = [];
    // Well after the monitor's creation: the tick due is the latest whole hour.
    const now = () => Date.now() + 5 * hour;
    const start = (ws: Workspace, by: string) =>
      startMonitorScheduler(ws, {
        pollIntervalMs: 60_000,
        now,
        run: (name, tick) => runMonitor(ws, name, { windowEnd: tick, predictionLog }),
        onRun: (run) => {
          ticks.push({ by, tick: run.windowEnd });
        },
      });
    const [a, b] = await Promise.all([start(workspace, 'a'), start(other, 'b')]);
    try {
      await Promise.all([a.poll(), b.poll(), a.poll(), b.poll()]);
    } finally {
      await a.close();
      await b.close();
      await other.close();
    }
    const due = Math.floor(now() / hour) * hour;
    expect(ticks.filter((t) => t.tick === due)).toHaveLength(1);
    expect(ticks).toHaveLength(1);
    expect(await store.lastTick('hourly')).toBe(due);
    expect((await store.results('hourly')).map((r) => r.windowEnd)).toEqual([due]);
  });

  it('deletes a monitor with its results, ticks and alerts', async () => {
    await store.delete('hourly');
    await expect(store.get('hourly')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await store.results('hourly')).toEqual([]);
    expect(await store.lastTick('hourly')).toBeNull();
    await expect(store.delete('hourly')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
