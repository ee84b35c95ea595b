import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { withoutMlpVariables } from '@mlp/cli';
import { openTestWorkspace, type TestWorkspace } from '@mlp/core/testing';
import { createPredictionLog, type ModelServer, startModelServer } from '@mlp/deploy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseMonitorSpec } from '../monitors/monitor-spec.js';
import { openMonitorStore } from '../monitors/monitor-store.js';
import { renderPrometheusRules } from './prometheus-rules.js';
import { denseModelFile } from './test-support/exported-metrics.js';

// A real Prometheus (Debian's `prometheus` package; .ci/run installs it) scrapes a real model server and a
// real `mlp server` (a child process on a PostgreSQL workspace) whose scheduler runs a monitor over logged
// predictions and exports its drift gauges; Prometheus evaluates mlp's rules and fires alerts on a forced
// error burst and on the drift.

const cliBin = path.resolve(import.meta.dirname, '../../../cli/src/bin.ts');
let fx: TestWorkspace;
let dir: { path: string };
let server: ModelServer;
let mlpServer: ChildProcess;
let mlpServerUrl: string;
let mlpServerLog = '';
let prometheus: ChildProcess;
let prometheusUrl: string;
let prometheusLog = '';

async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Polls until `check` returns a value (state, not time: the loop ends as soon as Prometheus shows it). */
async function eventually<T>(what: string, check: () => Promise<T | undefined>, onEachTry?: () => Promise<void>): Promise<T> {
  for (;;) {
    if (prometheus.exitCode !== null)
      throw new Error(`prometheus exited (${prometheus.exitCode}) while waiting for ${what}:\n${prometheusLog}`);
    await onEachTry?.();
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    await delay(250);
  }
}

async function query(promql: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const response = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(promql)}`);
  const body = (await response.json()) as {
    status: string;
    data: { result: { metric: Record<string, string>; value: [number, string] }[] };
  };
  expect(body.status).toBe('success');
  return body.data.result;
}

async function firing(alertname: string): Promise<Record<string, string>[]> {
  const response = await fetch(`${prometheusUrl}/api/v1/alerts`);
  const body = (await response.json()) as { data: { alerts: { labels: Record<string, string>; state: string }[] } };
  return body.data.alerts.filter((alert) => alert.labels.alertname === alertname && alert.state === 'firing').map((alert) => alert.labels);
}

const infer = (body: unknown) =>
  fetch(`${server.url}/v2/models/dense/infer`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  }).then(async (response) => {
    await response.arrayBuffer();
    return response.status;
  });
const goodRequest = { inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }] };
const badRequest = { inputs: [{ name: 'x', shape: [1, 3], datatype: 'FP32', data: [1, 2, 3] }] };

/** `mlp server` on the workspace, with a monitor every second over the last hour of logged, shifted predictions. */
async function startMlpServer(): Promise<void> {
  fx = await openTestWorkspace('postgres', 'mlp-prometheus-');
  dir = { path: fx.workspace.config.dir };
  const reference = Array.from({ length: 500 }, (_, i) => (i % 50) / 10);
  await writeFile(path.join(dir.path, 'reference.csv'), `delay\n${reference.join('\n')}\n`);
  const log = createPredictionLog({ blobs: fx.workspace.blobs, flushIntervalMs: 50 });
  const now = Date.now();
  for (const [i, value] of reference.entries()) {
    log.record({
      at: now - 60_000 + i,
      model: 'flights',
      modelVersion: '1',
      deployment: 'flights',
      requestId: `r${i}`,
      kind: 'records',
      inputs: [{ delay: value + 3 }],
      outputs: [0],
      latencyMs: 2,
    });
  }
  await log.close();
  await (await openMonitorStore(fx.workspace)).create(
    parseMonitorSpec({
      name: 'flights',
      source: { kind: 'deployment', deployment: 'flights', model: 'flights' },
      reference: { kind: 'file', file: path.join(dir.path, 'reference.csv') },
      windowMs: 3_600_000,
      schedule: { everyMs: 1000 },
    }),
  );
  const port = await freePort();
  mlpServerUrl = `http://127.0.0.1:${port}`;
  mlpServer = spawn(
    process.execPath,
    ['--conditions=@mlp/source', '--import', 'tsx', cliBin, '-C', dir.path, 'server', '--port', String(port)],
    {
      env: { ...withoutMlpVariables(process.env), MLP_DATABASE_URL: fx.workspace.config.database.url },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  mlpServer.stdout?.on('data', (chunk) => {
    mlpServerLog += chunk;
  });
  mlpServer.stderr?.on('data', (chunk) => {
    mlpServerLog += chunk;
  });
  for (;;) {
    if (mlpServer.exitCode !== null) throw new Error(`mlp server exited (${mlpServer.exitCode}):\n${mlpServerLog}`);
    if (
      await fetch(`${mlpServerUrl}/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    await delay(250);
  }
}

beforeAll(async () => {
  server = await startModelServer({ models: [`dense=${denseModelFile}`], batching: false, threads: 1 });
  await startMlpServer();

  const target = (url: string) => new URL(url).host;
  await writeFile(
    path.join(dir.path, 'rules.yml'),
    renderPrometheusRules({ window: '10s', for: '2s', errorStatus: '4..|5..', errorRatio: 0.2, evaluationInterval: '1s' }),
  );
  await writeFile(
    path.join(dir.path, 'prometheus.yml'),
    stringify({
      global: { scrape_interval: '1s', evaluation_interval: '1s' },
      rule_files: [path.join(dir.path, 'rules.yml')],
      scrape_configs: [
        { job_name: 'mlp-serve', static_configs: [{ targets: [target(server.url)] }] },
        { job_name: 'mlp-server', static_configs: [{ targets: [target(mlpServerUrl)] }] },
      ],
    }),
  );
  const port = await freePort();
  prometheusUrl = `http://127.0.0.1:${port}`;
  prometheus = spawn(
    'prometheus',
    [
      `--config.file=${path.join(dir.path, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(dir.path, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  prometheus.stdout?.on('data', (chunk) => {
    prometheusLog += chunk;
  });
  prometheus.stderr?.on('data', (chunk) => {
    prometheusLog += chunk;
  });
  await eventually('Prometheus to be ready', async () => ((await fetch(`${prometheusUrl}/-/ready`)).ok ? true : undefined));
}, 120_000);

afterAll(async () => {
  if (prometheus && prometheus.exitCode === null) {
    const exited = once(prometheus, 'exit');
    prometheus.kill('SIGTERM');
    await exited;
  }
  if (mlpServer && mlpServer.exitCode === null) {
    const exited = once(mlpServer, 'exit');
    mlpServer.kill('SIGTERM');
    await exited;
  }
  await server?.close();
  await fx?.cleanup();
});

describe('a real Prometheus scraping mlp', () => {
  it('sees the model server’s metrics, mlp server’s and the drift gauges of its scheduled monitor through its HTTP API', async () => {
    expect(await infer(goodRequest)).toBe(200);
    const requests = await eventually('mlp_model_requests_total', async () => {
      const result = await query('mlp_model_requests_total{model="dense", status="200"}');
      return result.length > 0 ? result : undefined;
    });
    expect(requests[0]?.metric).toMatchObject({ job: 'mlp-serve', model: 'dense', status: '200' });
    const share = await eventually('mlp_monitor_drift_share_ratio', async () => {
      const result = await query('mlp_monitor_drift_share_ratio{monitor="flights"}');
      return result.length > 0 ? result : undefined;
    });
    expect(Number(share[0]?.value[1])).toBe(1);
    expect(share[0]?.metric.job).toBe('mlp-server');
    const served = await eventually('mlp_http_requests_total of mlp server', async () => {
      const result = await query('mlp_http_requests_total{job="mlp-server", route="metrics", status="200"}');
      return result.length > 0 ? result : undefined;
    });
    expect(Number(served[0]?.value[1])).toBeGreaterThan(0);
    expect(await query('mlp_process_resident_memory_bytes{job="mlp-server"}')).not.toHaveLength(0);
    const score = await query('mlp_monitor_drift_score{monitor="flights", column="delay"}');
    expect(score[0]?.metric.test).toBe('ks');
    expect(await query('mlp_model_request_duration_seconds_bucket{model="dense"}')).not.toHaveLength(0);
    // Prometheus records the drift alert from the gauges too
    const drift = await eventually('MlpDatasetDrift to fire', async () => {
      const alerts = await firing('MlpDatasetDrift');
      return alerts.length > 0 ? alerts : undefined;
    });
    expect(drift[0]).toMatchObject({ monitor: 'flights', severity: 'warning' });
  }, 120_000);

  it('fires MlpModelHighErrorRate on a burst of bad requests', async () => {
    expect(await firing('MlpModelHighErrorRate')).toEqual([]);
    expect(await infer(badRequest)).toBe(400);
    const alerts = await eventually(
      'MlpModelHighErrorRate to fire',
      async () => {
        const found = await firing('MlpModelHighErrorRate');
        return found.length > 0 ? found : undefined;
      },
      // the burst goes on until Prometheus has seen it for the rule's `for`
      async () => {
        await Promise.all(Array.from({ length: 10 }, () => infer(badRequest)));
      },
    );
    expect(alerts[0]).toMatchObject({ model: 'dense', severity: 'critical' });
    const ratio = await query('model_version:mlp_model_request_errors:ratio_rate10s{model="dense"}');
    expect(Number(ratio[0]?.value[1])).toBeGreaterThan(0.2);
  }, 120_000);
});
