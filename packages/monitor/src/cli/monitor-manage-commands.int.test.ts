import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { jsonConventionViolations, parseJsonOutput, withoutMlpVariables, workspaceCli } from '@mlp/cli';
import { openTestWorkspace, type TestWorkspace } from '@mlp/core/testing';
import { createPredictionLog } from '@mlp/deploy';
import { predictionLogCommands } from '@mlp/deploy/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMonitorStore } from '../monitors/monitor-store.js';
import { openLabelStore } from '../quality/label-store.js';
import type { monitorRunJson, monitorShowJson } from './json-shapes.js';
import { monitorCommands } from './monitor-commands.js';

// `mlp monitor create|run|show|ls|delete` on a real PostgreSQL workspace, reading predictions that
// deploy's prediction log wrote to its blobs (through deploy's `predictionLog` CLI service), and
// `mlp monitor agent` as a real process running a scheduled monitor until SIGTERM.

const cliBin = path.resolve(import.meta.dirname, '../../../cli/src/bin.ts');
const hour = 3_600_000;
const t0 = Date.UTC(2026, 10, 2, 0, 0, 0);
let fx: TestWorkspace;
let dir: string;

beforeAll(async () => {
  fx = await openTestWorkspace('postgres', 'mlp-monitor-cli-');
  dir = fx.workspace.config.dir;
  const rows = Array.from({ length: 300 }, (_, i) => `${i % 50},${['SEA', 'SFO', 'LAX'][i % 3]}`);
  await writeFile(path.join(dir, 'reference.csv'), `delay,origin\n${rows.join('\n')}\n`);
  const log = createPredictionLog({ blobs: fx.workspace.blobs, flushIntervalMs: 50 });
  for (let i = 0; i < 200; i++) {
    log.record({
      at: t0 + i * 1000,
      model: 'flights-model',
      modelVersion: '1',
      deployment: 'flights',
      requestId: `r${i}`,
      kind: 'records',
      inputs: [{ delay: 60 + (i % 50), origin: 'JFK' }],
      outputs: [1],
      latencyMs: 3,
    });
  }
  await log.close();
});
afterAll(async () => {
  await fx?.cleanup();
});

const mlp = (...args: string[]) =>
  workspaceCli({ dir, databaseUrl: fx.workspace.config.database.url, modules: [monitorCommands, predictionLogCommands] })(...args);

describe('mlp monitor create, run, show, ls, delete', () => {
  it('creates a monitor of a deployment, runs a window, shows its drift table, drift over time and alert', async () => {
    const created = await mlp(
      '--json',
      'monitor',
      'create',
      'flights',
      '--deployment',
      'flights',
      '--model',
      'flights-model',
      '--reference',
      path.join(dir, 'reference.csv'),
      '--window',
      '1h',
      '--alert',
      'drift_share>=0.5',
      '--alert',
      'column_score[delay]<0.01 for 2h critical',
    );
    expect(created.stderr).toBe('');
    const json = parseJsonOutput<Record<string, unknown>>(created);
    expect(jsonConventionViolations(json)).toEqual([]);
    expect(json).toMatchObject({
      name: 'flights',
      source: { kind: 'deployment', deployment: 'flights', model: 'flights-model' },
      window_ms: hour,
      webhook_secret: null,
      alerts: [
        { name: 'drift_share', for_ms: 0 },
        { name: 'column_score_delay', column: 'delay', for_ms: 2 * hour, severity: 'critical' },
      ],
    });
    expect(
      (await mlp('monitor', 'create', 'flights', '--deployment', 'flights', '--reference', path.join(dir, 'reference.csv'))).stderr,
    ).toContain('A monitor named flights exists');

    const run = await mlp('--json', 'monitor', 'run', 'flights', '--window-end', new Date(t0 + hour).toISOString());
    expect(run.code).toBe(1); // dataset drift
    const result = parseJsonOutput<ReturnType<typeof monitorRunJson>>(run);
    expect(jsonConventionViolations(result)).toEqual([]);
    expect(result).toMatchObject({ window_start: t0, window_end: t0 + hour, rows: 200, dataset_drift: true, drift_share: 1 });
    expect(result.columns.map((column) => [column.column, column.drifted])).toEqual([
      ['delay', true],
      ['origin', true],
      ['prediction', false],
    ]);
    expect(result.alerts.map((alert) => [alert.kind, alert.key])).toEqual([['fired', 'drift_share']]);

    const shown = parseJsonOutput<ReturnType<typeof monitorShowJson.show>>(await mlp('--json', 'monitor', 'show', 'flights'));
    expect(shown.latest?.window_end).toBe(t0 + hour);
    expect(shown.drift_over_time.map((point) => [point.window_end, point.drift_share])).toEqual([[t0 + hour, 1]]);
    expect((await mlp('monitor', 'show', 'flights')).stdout).toMatch(/delay\s+ks\s+\S+\s+drift/);
    const listed = parseJsonOutput<{ name: string; last_result: { dataset_drift: boolean } }[]>(await mlp('--json', 'monitor', 'ls'));
    expect(listed.map((m) => [m.name, m.last_result.dataset_drift])).toEqual([['flights', true]]);
    const alerts = parseJsonOutput<{ key: string; state: string }[]>(await mlp('--json', 'monitor', 'alerts', '--monitor', 'flights'));
    // The column rule holds too, but must hold for 2 h before it fires.
    expect(alerts.map((alert) => [alert.key, alert.state]).sort()).toEqual([
      ['column_score_delay:delay', 'pending'],
      ['drift_share', 'firing'],
    ]);

    expect((await mlp('monitor', 'run', 'flights', '--window-end', 'yesterday')).stderr).toContain('--window-end yesterday is not a time');
    expect((await mlp('monitor', 'create', 'x', '--reference', path.join(dir, 'reference.csv'))).stderr).toContain(
      'needs one of --deployment',
    );
    expect((await mlp('monitor', 'create', 'x', '--deployment', 'd', '--reference', path.join(dir, 'nope.csv'))).stderr).toContain(
      'nope.csv: no such file',
    );
    expect(
      (await mlp('monitor', 'create', 'x', '--deployment', 'd', '--reference', path.join(dir, 'reference.csv'), '--alert', 'drift>1'))
        .stderr,
    ).toContain('--alert "drift>1"');

    expect((await mlp('monitor', 'delete', 'flights')).code).toBe(0);
    expect((await mlp('monitor', 'show', 'flights')).stderr).toContain('No monitor named "flights"');
  });
});

describe('mlp monitor create --task', () => {
  it('measures each window’s model quality from arrived labels, shows it, and fires accuracy<0.8', async () => {
    const created = await mlp(
      '--json',
      'monitor',
      'create',
      'flights-quality',
      '--deployment',
      'flights',
      '--model',
      'flights-model',
      '--reference',
      path.join(dir, 'reference.csv'),
      '--task',
      'binary',
      '--alert',
      'accuracy<0.8 critical',
    );
    expect(created.stderr).toBe('');
    expect(parseJsonOutput<Record<string, unknown>>(created)).toMatchObject({
      quality: { task: 'binary', prediction_column: null, score_column: null, positive_class: null },
      alerts: [{ name: 'accuracy', metric: 'quality', column: 'accuracy', op: '<', threshold: 0.8, severity: 'critical' }],
    });
    // Every prediction was 1; the labels say 0 for three requests in four.
    await (await openLabelStore(fx.workspace)).add(
      'flights',
      Array.from({ length: 200 }, (_, i) => ({ requestId: `r${i}`, label: i % 4 === 0 ? 1 : 0 })),
    );
    const run = parseJsonOutput<ReturnType<typeof monitorRunJson>>(
      await mlp('--json', 'monitor', 'run', 'flights-quality', '--window-end', new Date(t0 + hour).toISOString()),
    );
    expect(run.quality).toMatchObject({ task: 'binary', kind: 'measured', predictions: 200, labelled: 200, problem: null });
    expect(run.quality?.metrics).toMatchObject({ accuracy: 0.25, precision: 0.25, recall: 1 });
    expect(run.alerts.map((alert) => [alert.kind, alert.rule, alert.value])).toEqual([['fired', 'accuracy', 0.25]]);
    const shown = parseJsonOutput<ReturnType<typeof monitorShowJson.show>>(await mlp('--json', 'monitor', 'show', 'flights-quality'));
    expect(shown.latest?.quality?.metrics?.accuracy).toBe(0.25);
    expect((await mlp('monitor', 'show', 'flights-quality')).stdout).toContain(
      'model quality (binary, 200 of 200 predictions labelled): accuracy 0.25, precision 0.25, recall 1',
    );
    expect(
      (await mlp('monitor', 'create', 'x', '--deployment', 'd', '--reference', path.join(dir, 'reference.csv'), '--task', 'ranking'))
        .stderr,
    ).toContain('--task ranking: write binary, multiclass or regression');
  });
});

describe('mlp monitor agent', () => {
  it('runs a scheduled monitor in a real process and stops cleanly on SIGTERM', { timeout: 120_000 }, async () => {
    const created = await mlp(
      'monitor',
      'create',
      'every-second',
      '--deployment',
      'flights',
      '--model',
      'flights-model',
      '--reference',
      path.join(dir, 'reference.csv'),
      '--every',
      '1s',
      '--window',
      '1h',
    );
    expect(created.stderr).toBe('');
    const child = spawn(
      process.execPath,
      ['--conditions=@mlp/source', '--import', 'tsx', cliBin, '-C', dir, '--json', 'monitor', 'agent', '--poll-interval', '200ms'],
      {
        env: { ...withoutMlpVariables(process.env), MLP_DATABASE_URL: fx.workspace.config.database.url },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const store = await openMonitorStore(fx.workspace);
    try {
      // Wait for the agent to compute a window (a condition, not a sleep).
      while ((await store.results('every-second')).length === 0) {
        if (child.exitCode !== null) throw new Error(`mlp monitor agent exited: ${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      const report = JSON.parse(stdout) as { runs: { monitor: string; rows: number }[]; stopped_at: number };
      expect(jsonConventionViolations(report)).toEqual([]);
      expect(report.runs.length).toBeGreaterThan(0);
      expect(report.runs[0]?.monitor).toBe('every-second');
      // Ticks are claimed once each: as many claimed ticks as stored windows.
      const results = await store.results('every-second');
      expect(new Set(results.map((r) => r.windowEnd)).size).toBe(results.length);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
