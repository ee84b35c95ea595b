import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { createTempDir, type TempDir } from '@mlp/core/testing';
import { type ModelServer, startModelServer } from '@mlp/deploy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { numericColumnOf } from '../drift/column-data.js';
import { detectDrift } from '../drift/detect-drift.js';
import { createMonitorMetrics, recordDriftMetrics } from './monitor-metrics.js';
import { renderPrometheusRules } from './prometheus-rules.js';
import { denseModelFile } from './test-support/exported-metrics.js';

// A real Prometheus (Debian's `prometheus` package; .ci/run installs it) scrapes a real model server and the
// monitor's drift gauges, evaluates mlp's rules, and fires alerts on a forced error burst and on drift.

let dir: TempDir;
let server: ModelServer;
let gauges: Server;
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

beforeAll(async () => {
  dir = await createTempDir('mlp-prometheus-');
  server = await startModelServer({ models: [`dense=${denseModelFile}`], batching: false, threads: 1 });

  // The monitor's drift gauges, set from a real drift result (a shifted column), served as /metrics.
  const metrics = createMonitorMetrics();
  const reference = Array.from({ length: 500 }, (_, i) => (i % 50) / 10);
  const current = reference.map((value) => value + 3);
  recordDriftMetrics(metrics, 'flights', detectDrift({ delay: numericColumnOf(reference) }, { delay: numericColumnOf(current) }));
  gauges = createServer(async (_request, response) => {
    response.setHeader('content-type', metrics.registry.contentType);
    response.end(await metrics.registry.metrics());
  });
  gauges.listen(0, '127.0.0.1');
  await once(gauges, 'listening');

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
        { job_name: 'mlp-monitor', static_configs: [{ targets: [`127.0.0.1:${(gauges.address() as AddressInfo).port}`] }] },
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
  if (gauges) await new Promise((resolve) => gauges.close(resolve));
  await server?.close();
  await dir?.remove();
});

describe('a real Prometheus scraping mlp', () => {
  it('sees the model server’s metrics and the drift gauges through its HTTP API', async () => {
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
