import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { type CapturedRun, jsonConventionViolations, parseJsonOutput, runCliCaptured, withoutMlpVariables } from '@mlp/cli';
import { exitCodeFor, openWorkspace, type Workspace } from '@mlp/core';
import { createTempDir, type TempDir } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Experiment, Run } from '../model.js';
import { openSqlTrackingStore } from '../store/sql-tracking-store.js';
import type { TrackingStore } from '../store/tracking-store.js';
import { trackingCommands } from './tracking-commands.js';

// The commands run in-process through the real CLI (parsing, output, exit codes) against a workspace
// on the embedded database, seeded through the SQL store as an SDK or `mlp server` would write it.

let temp: TempDir;
let workspace: Workspace;
let store: TrackingStore;
let churn: Experiment;
let other: Experiment;
let baseline: Run;
let wide: Run;
let elsewhere: Run;

const env = withoutMlpVariables(process.env);

function mlp(...args: string[]): Promise<CapturedRun> {
  return runCliCaptured(['-C', temp.path, ...args], { modules: [trackingCommands], cwd: temp.path, env: env });
}

/** Runs with --json and parses stdout, which must be one JSON document. */
async function mlpJson<T = unknown>(...args: string[]): Promise<{ code: number; json: T }> {
  const result = await mlp('--json', ...args);
  const json = parseJsonOutput<T>(result);
  // Every --json document follows the CLI convention: snake_case keys, times in epoch milliseconds.
  expect(jsonConventionViolations(json)).toEqual([]);
  return { code: result.code, json };
}

/** The blob key of artifact `artifactPath`, spelled from the run's artifact URI as the issue defines it. */
function artifactKey(run: Run, artifactPath: string): string {
  return `${run.artifactUri.replace(/^mlflow-artifacts:\//, 'mlflow-artifacts/')}/${artifactPath}`;
}

async function finishedRun(experiment: Experiment, name: string, params: Record<string, string>, metrics: [string, number][]) {
  const run = await store.createRun({ experimentId: experiment.experimentId, name, startTime: Date.UTC(2024, 0, 1) });
  await store.logBatch(run.runId, {
    params: Object.entries(params).map(([key, value]) => ({ key, value })),
    metrics: metrics.map(([key, value], step) => ({ key, value, step, timestamp: Date.UTC(2024, 0, 1) + step })),
  });
  return store.updateRun(run.runId, { status: 'FINISHED', endTime: Date.UTC(2024, 0, 1, 0, 2) });
}

beforeAll(async () => {
  temp = await createTempDir('mlp-tracking-cli-');
  // Kept open for the whole file: the CLI's own opens share its embedded server instead of starting one each.
  workspace = await openWorkspace({ dir: temp.path, logLevel: 'warn' });
  store = await openSqlTrackingStore(workspace);
  churn = await store.createExperiment({ name: 'churn' });
  other = await store.createExperiment({ name: 'other' });
  baseline = await finishedRun(churn, 'baseline', { lr: '0.1', model: 'mlp' }, [
    ['rmse', 0.5],
    ['rmse', 0.3],
    ['loss', Number.NaN],
  ]);
  wide = await finishedRun(churn, 'wide', { lr: '0.2', model: 'mlp' }, [
    ['rmse', 0.2],
    ['loss', Number.POSITIVE_INFINITY],
  ]);
  elsewhere = await finishedRun(other, 'elsewhere', {}, [['rmse', 0.9]]);
  await workspace.blobs.put(artifactKey(baseline, 'model.onnx'), 'onnx-bytes');
  await workspace.blobs.put(artifactKey(baseline, 'plots/loss.png'), 'png');
});

afterAll(async () => {
  await workspace?.close();
  await temp?.remove();
});

describe('mlp experiments', () => {
  it('ls --json lists active experiments in the issue shape', async () => {
    const { code, json } = await mlpJson<Record<string, unknown>[]>('experiments', 'ls');
    expect(code).toBe(0);
    expect(json.map((experiment) => experiment.name)).toEqual(['Default', 'churn', 'other']);
    expect(Object.keys(json[1] ?? {}).sort()).toEqual(
      ['artifact_location', 'creation_time', 'experiment_id', 'last_update_time', 'lifecycle_stage', 'name', 'tags'].sort(),
    );
    expect(json[1]).toMatchObject({
      experiment_id: churn.experimentId,
      lifecycle_stage: 'active',
      artifact_location: churn.artifactLocation,
    });
  });

  it('ls prints an aligned table for people', async () => {
    const { code, stdout } = await mlp('experiments', 'ls');
    expect(code).toBe(0);
    expect(stdout.split('\n')[0]).toMatch(/^id {2}name +lifecycle {2}created +artifact location$/);
    expect(stdout).toContain('churn');
  });

  it('create makes an experiment, and a taken name is ALREADY_EXISTS', async () => {
    const created = await mlpJson<Record<string, unknown>>('experiments', 'create', 'fresh');
    expect(created.code).toBe(0);
    expect(created.json).toMatchObject({ name: 'fresh', lifecycle_stage: 'active' });
    const again = await mlpJson<{ ok: boolean; error: { code: string } }>('experiments', 'create', 'fresh');
    expect(again.code).toBe(exitCodeFor('ALREADY_EXISTS'));
    expect(again.json).toMatchObject({ ok: false, error: { code: 'ALREADY_EXISTS' } });
  });

  it('delete by name and restore by id, with --deleted and --all listing them', async () => {
    const { experimentId } = await store.createExperiment({ name: 'doomed' });
    const deleted = await mlpJson<Record<string, unknown>>('experiments', 'delete', 'doomed');
    expect(deleted.code).toBe(0);
    expect(deleted.json).toMatchObject({ experiment_id: experimentId, lifecycle_stage: 'deleted' });
    const names = async (...flags: string[]) =>
      (await mlpJson<{ name: string }[]>('experiments', 'ls', ...flags)).json.map((experiment) => experiment.name);
    expect(await names()).not.toContain('doomed');
    expect(await names('--deleted')).toEqual(['doomed']);
    expect(await names('--all')).toContain('doomed');
    const restored = await mlpJson<Record<string, unknown>>('experiments', 'restore', experimentId);
    expect(restored.json).toMatchObject({ name: 'doomed', lifecycle_stage: 'active' });
  });

  it('an unknown experiment is NOT_FOUND', async () => {
    const result = await mlp('experiments', 'delete', 'no-such-experiment');
    expect(result.code).toBe(exitCodeFor('NOT_FOUND'));
    expect(result.stderr).toMatch(/^error \[NOT_FOUND\]: No experiment is named "no-such-experiment"/);
  });

  it('--all and --deleted together is a usage error', async () => {
    expect((await mlp('experiments', 'ls', '--all', '--deleted')).code).toBe(exitCodeFor('INVALID_ARGUMENT'));
  });
});

describe('mlp runs ls', () => {
  it('--json gives runs in the issue shape, latest metric values, NaN and Infinity as strings', async () => {
    const { code, json } = await mlpJson<Record<string, unknown>[]>(
      'runs',
      'ls',
      '--experiment',
      'churn',
      '--order-by',
      'metrics.rmse DESC',
    );
    expect(code).toBe(0);
    expect(json).toEqual([
      {
        run_id: baseline.runId,
        run_name: 'baseline',
        experiment_id: churn.experimentId,
        status: 'FINISHED',
        start_time: Date.UTC(2024, 0, 1),
        end_time: Date.UTC(2024, 0, 1, 0, 2),
        params: { lr: '0.1', model: 'mlp' },
        metrics: { rmse: 0.3, loss: 'NaN' },
        tags: baseline.tags,
      },
      expect.objectContaining({ run_id: wide.runId, metrics: { rmse: 0.2, loss: 'Infinity' } }),
    ]);
  });

  it('searches every active experiment when none is given', async () => {
    const { json } = await mlpJson<{ run_id: string }[]>('runs', 'ls');
    expect(json.map((run) => run.run_id).sort()).toEqual([baseline.runId, wide.runId, elsewhere.runId].sort());
  });

  it('takes repeated --experiment options, by name or id', async () => {
    const { json } = await mlpJson<{ run_id: string }[]>('runs', 'ls', '-e', other.experimentId, '-e', 'other');
    expect(json.map((run) => run.run_id)).toEqual([elsewhere.runId]);
  });

  it('applies an MLflow filter', async () => {
    const { json } = await mlpJson<{ run_id: string }[]>('runs', 'ls', '--filter', "metrics.rmse < 0.5 and params.lr = '0.2'");
    expect(json.map((run) => run.run_id)).toEqual([wide.runId]);
  });

  it('a malformed filter is INVALID_ARGUMENT with the position, on stderr and in JSON', async () => {
    const human = await mlp('runs', 'ls', '--filter', 'metrics.rmse <> 1');
    expect(human.code).toBe(exitCodeFor('INVALID_ARGUMENT'));
    expect(human.stdout).toBe('');
    expect(human.stderr).toMatch(/^error \[INVALID_ARGUMENT\]: Invalid filter at position \d+/);
    expect(human.stderr).toContain('^');
    const machine = await mlpJson<{ ok: boolean; error: { code: string; message: string } }>('runs', 'ls', '--filter', 'metrics.rmse <> 1');
    expect(machine.json).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', message: expect.stringContaining('position') } });
  });

  it('a malformed --order-by is INVALID_ARGUMENT too', async () => {
    const result = await mlp('runs', 'ls', '--order-by', 'metrics.rmse SIDEWAYS');
    expect(result.code).toBe(exitCodeFor('INVALID_ARGUMENT'));
    expect(result.stderr).toMatch(/position/);
  });

  it('--limit cuts the list, and the table says more match', async () => {
    const { json } = await mlpJson<unknown[]>('runs', 'ls', '--limit', '1');
    expect(json).toHaveLength(1);
    const human = await mlp('runs', 'ls', '--limit', '2');
    expect(human.stdout).toMatch(/Showing the first 2 runs; more match/);
    expect((await mlp('runs', 'ls', '--limit', 'ten')).code).toBe(exitCodeFor('INVALID_ARGUMENT'));
  });

  it('prints id, name, status, start, duration and metric columns for people', async () => {
    const { code, stdout } = await mlp('runs', 'ls', '-e', 'churn', '--order-by', 'metrics.loss');
    expect(code).toBe(0);
    const [header, ...rows] = stdout.trimEnd().split('\n');
    expect(header).toMatch(/^run id +name +status +start +duration +loss +rmse$/);
    expect(rows.find((row) => row.startsWith(baseline.runId))).toMatch(/baseline +FINISHED +2024-01-01T00:00:00Z +2m 00s +NaN +0\.3$/);
  });

  it('says so when no run matches', async () => {
    const { stdout } = await mlp('runs', 'ls', '--filter', "params.lr = 'none'");
    expect(stdout).toBe('No runs match in any active experiment.\n');
  });
});

describe('mlp runs show, compare, delete, restore', () => {
  it('show --json is the run', async () => {
    const { code, json } = await mlpJson<Record<string, unknown>>('runs', 'show', wide.runId);
    expect(code).toBe(0);
    expect(json).toMatchObject({ run_id: wide.runId, run_name: 'wide', params: { lr: '0.2' }, metrics: { rmse: 0.2, loss: 'Infinity' } });
  });

  it('show prints a key-value table', async () => {
    const { stdout } = await mlp('runs', 'show', baseline.runId);
    expect(stdout).toMatch(new RegExp(`^run id +${baseline.runId}$`, 'm'));
    expect(stdout).toMatch(/^experiment +\d+ \(churn\)$/m);
    expect(stdout).toMatch(/^metrics\.rmse +0\.3 \(step 1\)$/m);
  });

  it('an unknown run is NOT_FOUND', async () => {
    const result = await mlpJson<{ error: { code: string } }>('runs', 'show', 'no-such-run');
    expect(result.code).toBe(exitCodeFor('NOT_FOUND'));
    expect(result.json.error.code).toBe('NOT_FOUND');
  });

  it('compare lines params and metrics up and marks differing params', async () => {
    const { json } = await mlpJson<{
      params: { key: string; differs: boolean; values: unknown[] }[];
      metrics: { key: string; values: unknown[] }[];
    }>('runs', 'compare', baseline.runId, wide.runId);
    expect(json.params).toEqual([
      { key: 'lr', values: ['0.1', '0.2'], differs: true },
      { key: 'model', values: ['mlp', 'mlp'], differs: false },
    ]);
    expect(json.metrics).toContainEqual({ key: 'loss', values: ['NaN', 'Infinity'], differs: true });
    const { stdout } = await mlp('runs', 'compare', baseline.runId, wide.runId);
    expect(stdout).toMatch(/^\* params\.lr +0\.1 +0\.2$/m);
    expect(stdout).toMatch(/^ {2}params\.model +mlp +mlp$/m);
    expect((await mlp('runs', 'compare', baseline.runId, 'no-such-run')).code).toBe(exitCodeFor('NOT_FOUND'));
  });

  it('delete hides a run from ls until restore', async () => {
    const run = await finishedRun(other, 'short-lived', {}, []);
    expect((await mlpJson('runs', 'delete', run.runId)).json).toEqual({ run_id: run.runId, lifecycle_stage: 'deleted' });
    const ids = async (...flags: string[]) =>
      (await mlpJson<{ run_id: string }[]>('runs', 'ls', '-e', 'other', ...flags)).json.map((r) => r.run_id);
    expect(await ids()).not.toContain(run.runId);
    expect(await ids('--deleted')).toEqual([run.runId]);
    expect(await ids('--all')).toContain(run.runId);
    expect((await mlp('runs', 'restore', run.runId)).code).toBe(0);
    expect(await ids()).toContain(run.runId);
    expect((await mlp('runs', 'restore', run.runId)).code).toBe(exitCodeFor('FAILED_PRECONDITION'));
  });
});

describe('mlp artifacts', () => {
  it('ls lists one level, MLflow FileInfo style', async () => {
    const root = await mlpJson('artifacts', 'ls', baseline.runId);
    expect(root.json).toEqual([
      { path: 'model.onnx', is_dir: false, file_size: 10 },
      { path: 'plots', is_dir: true },
    ]);
    expect((await mlpJson('artifacts', 'ls', baseline.runId, 'plots')).json).toEqual([
      { path: 'plots/loss.png', is_dir: false, file_size: 3 },
    ]);
    const human = await mlp('artifacts', 'ls', baseline.runId);
    expect(human.stdout).toMatch(/^plots\/ +-$/m);
  });

  it('ls of a run without artifacts is empty; of a missing path, NOT_FOUND', async () => {
    expect((await mlpJson('artifacts', 'ls', wide.runId)).json).toEqual([]);
    expect((await mlp('artifacts', 'ls', baseline.runId, 'nope')).code).toBe(exitCodeFor('NOT_FOUND'));
    expect((await mlp('artifacts', 'ls', 'no-such-run')).code).toBe(exitCodeFor('NOT_FOUND'));
  });

  it('get writes a file to --out', async () => {
    const out = path.join(temp.path, 'downloads', 'model.onnx');
    const { code, json } = await mlpJson<Record<string, unknown>>('artifacts', 'get', baseline.runId, 'model.onnx', '--out', out);
    expect(code).toBe(0);
    expect(json).toEqual({
      run_id: baseline.runId,
      path: 'model.onnx',
      bytes: 10,
      files: [{ path: 'model.onnx', destination: out, size: 10 }],
    });
    expect(await readFile(out, 'utf8')).toBe('onnx-bytes');
    expect(await readdir(path.dirname(out))).toEqual(['model.onnx']);
  });

  it('get downloads a folder into an existing folder', async () => {
    const out = path.join(temp.path, 'downloads');
    const { code } = await mlp('artifacts', 'get', baseline.runId, 'plots', '--out', `${out}/`);
    expect(code).toBe(0);
    expect(await readFile(path.join(out, 'plots', 'loss.png'), 'utf8')).toBe('png');
  });

  it.each([['../../other/artifacts/x'], ['plots/../../secret'], ['/etc/passwd']])('get refuses %j as INVALID_ARGUMENT', async (bad) => {
    const result = await mlp('artifacts', 'get', baseline.runId, bad, '--out', path.join(temp.path, 'never'));
    expect(result.code).toBe(exitCodeFor('INVALID_ARGUMENT'));
    expect(result.stderr).toMatch(/^error \[INVALID_ARGUMENT\]: Invalid artifact path/);
    expect((await mlp('artifacts', 'ls', baseline.runId, bad)).code).toBe(exitCodeFor('INVALID_ARGUMENT'));
  });

  it('get of a missing artifact is NOT_FOUND and writes nothing', async () => {
    const out = path.join(temp.path, 'missing-out');
    const result = await mlp('artifacts', 'get', baseline.runId, 'nope.bin', '--out', out);
    expect(result.code).toBe(exitCodeFor('NOT_FOUND'));
    await expect(readFile(out)).rejects.toThrow();
  });
});
