import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { openWorkspace, type Workspace } from '@mlp/core';
import { createTempDir, type TempDir } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemTags } from '../model.js';
import { createTracking, type Tracking } from './create-tracking.js';

// A real logging process against the embedded database: what it flushed must survive SIGKILL,
// and its run must then fail by heartbeat timeout; SIGTERM and SIGINT must flush and end it KILLED.
const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const fixture = path.join(packageDir, 'test', 'fixtures', 'log-and-wait.ts');
const loopFixture = path.join(packageDir, 'test', 'fixtures', 'log-in-loop.ts');
const heartbeatTimeoutMs = 1500;

interface Child {
  process: ChildProcess;
  runId: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

/** Starts the fixture and waits for the run id it prints once its logging is done. */
async function startLogger(mode: 'flush' | 'buffer', points: number): Promise<Child> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('MLP_')));
  const child = spawn(process.execPath, ['--conditions=@mlp/source', '--import', 'tsx', fixture, temp.path, mode, String(points)], {
    cwd: packageDir,
    env: { ...env, MLP_TRACKING_HEARTBEAT_INTERVAL_MS: '200', MLP_TRACKING_HEARTBEAT_TIMEOUT_MS: String(heartbeatTimeoutMs) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal, stderr }));
  });
  const runId = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split('\n').find((candidate) => candidate.startsWith('{'));
      if (line && stdout.includes('\n')) resolve((JSON.parse(line) as { runId: string }).runId);
    });
    void exited.then(({ code, signal }) => reject(new Error(`the logger exited early (${code ?? signal}):\n${stderr}`)));
  });
  return { process: child, runId, exited };
}

let temp: TempDir;
let workspace: Workspace;
let tracking: Tracking;

beforeAll(async () => {
  temp = await createTempDir('mlp-tracking-sdk-int-');
  // The parent opens the workspace first, so the embedded server outlives the children it kills.
  workspace = await openWorkspace({ dir: temp.path, logLevel: 'warn' });
  tracking = createTracking(workspace);
});

afterAll(async () => {
  await tracking?.close();
  await workspace?.close();
  await temp?.remove();
});

describe('crash safety with a real logging process', () => {
  it('keeps everything flushed before a SIGKILL, then fails the run once its heartbeat is older than the timeout', async () => {
    const child = await startLogger('flush', 2500);
    const killedAt = Date.now();
    child.process.kill('SIGKILL');
    expect((await child.exited).signal).toBe('SIGKILL');

    const history = await tracking.metricHistory(child.runId, 'm');
    expect(history.slice(0, 2500).map((point) => point.step)).toEqual([...Array(2500).keys()]);
    expect((await tracking.getRun(child.runId)).params).toEqual({ mode: 'flush' });

    await sleep(Math.max(0, killedAt + heartbeatTimeoutMs + 500 - Date.now()));
    const run = await tracking.getRun(child.runId);
    expect(run.status).toBe('FAILED');
    expect(run.endTime).toEqual(expect.any(Number));
    expect(run.tags[systemTags.failureReason]).toMatch(/no heartbeat since .*: the logging process died or hung/);
  });

  it('keeps a healthy run RUNNING past the timeout while its process heartbeats', async () => {
    const child = await startLogger('flush', 10);
    await sleep(heartbeatTimeoutMs + 500);
    expect((await tracking.getRun(child.runId)).status).toBe('RUNNING');
    child.process.kill('SIGKILL');
    await child.exited;
  });

  it.each(['SIGTERM', 'SIGINT'] as const)(
    'on %s flushes the buffered values, ends the run KILLED and dies by the signal',
    async (signal) => {
      const child = await startLogger('buffer', 2500);
      child.process.kill(signal);
      const exit = await child.exited;
      expect(exit.signal, exit.stderr).toBe(signal);

      const run = await tracking.getRun(child.runId);
      expect(run.status).toBe('KILLED');
      expect(run.endTime).toEqual(expect.any(Number));
      expect(run.params).toEqual({ mode: 'buffer' });
      const history = await tracking.metricHistory(child.runId, 'm');
      expect(history.map((point) => point.step)).toEqual([...Array(2500).keys()]);
      expect(run.tags['mlp.env.node']).toBe(process.version);
    },
  );
});

/**
 * Runs the looping fixture under `sh`, which reports the exit status a shell sees (143 for death by
 * SIGTERM, 130 by SIGINT), and waits for the fixture's pid and run id, printed once it has logged.
 */
async function startLoop(): Promise<{ pid: number; runId: string; status: Promise<{ status: number; output: string }> }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('MLP_')));
  const script = '"$@"; echo "exit status $?"';
  const args = [script, 'sh', process.execPath, '--conditions=@mlp/source', '--import', 'tsx', loopFixture, temp.path];
  const child = spawn('/bin/sh', ['-c', ...args], { cwd: packageDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const status = new Promise<{ status: number; output: string }>((resolve) => {
    child.on('close', () => resolve({ status: Number(/exit status (\d+)/.exec(output)?.[1] ?? Number.NaN), output }));
  });
  const ready = await new Promise<{ pid: number; runId: string }>((resolve, reject) => {
    child.stdout.on('data', () => {
      const line = output.split('\n').find((candidate) => candidate.startsWith('{"pid"'));
      if (line && output.includes(`${line}\n`)) resolve(JSON.parse(line) as { pid: number; runId: string });
    });
    void status.then(({ output: printed }) => reject(new Error(`the loop exited before logging:\n${printed}`)));
  });
  return { ...ready, status };
}

describe('a signal while the script is still logging', () => {
  it.each([
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const)('on %s ends the run KILLED and exits %i, dropping what is logged meanwhile with one warning', async (signal, expected) => {
    const loop = await startLoop();
    process.kill(loop.pid, signal);
    const { status, output } = await loop.status;
    expect(status, output).toBe(expected);
    expect(output).not.toMatch(/has begun ending|at RunHandle/);
    expect(output.match(/what is logged to it from now on is dropped/g) ?? [], output).toHaveLength(1);
    const run = await tracking.getRun(loop.runId);
    expect(run.status).toBe('KILLED');
    expect((await tracking.metricHistory(loop.runId, 'm')).length).toBeGreaterThan(100);
  });
});

describe('the SDK on the SQL store', () => {
  it('logs, compares and reads back through the default store of the workspace', async () => {
    const ids: string[] = [];
    for (const lr of [0.1, 0.01]) {
      await tracking.withRun({ experiment: 'sdk-int', params: { lr, epochs: 3 } }, async (run) => {
        ids.push(run.runId);
        for (let step = 0; step < 1500; step++) run.logMetric('loss', lr / (step + 1), { step });
        await run.logArtifact(new TextEncoder().encode(`lr=${lr}`), { path: 'notes/lr.txt' });
      });
    }
    const comparison = await tracking.compare(ids);
    expect(comparison.differingParams).toEqual(['lr']);
    expect(comparison.params.epochs).toEqual({ [ids[0] as string]: '3', [ids[1] as string]: '3' });
    expect(comparison.metrics.loss?.[ids[1] as string]).toBeCloseTo(0.01 / 1500);
    expect(await tracking.metricHistory(ids[0] as string, 'loss')).toHaveLength(1500);
    expect(await tracking.listArtifacts(ids[0] as string, 'notes')).toEqual([{ path: 'notes/lr.txt', isDir: false, fileSize: 6 }]);
  });
});

describe('who starts a run', () => {
  it('is MLP_USER from the environment, and the user option over it, as user_id and mlflow.user', async () => {
    const byEnv = createTracking(workspace, { env: { MLP_USER: 'ada' }, handleSignals: false });
    const byOption = createTracking(workspace, { env: { MLP_USER: 'ada' }, user: 'grace', handleSignals: false });
    const first = await byEnv.withRun({ experiment: 'who' }, (run) => run.runId);
    const second = await byOption.withRun({ experiment: 'who' }, (run) => run.runId);
    const [ada, grace] = await Promise.all([tracking.getRun(first), tracking.getRun(second)]);
    expect([ada.userId, ada.tags[systemTags.user]]).toEqual(['ada', 'ada']);
    expect([grace.userId, grace.tags[systemTags.user]]).toEqual(['grace', 'grace']);
    await Promise.all([byEnv.close(), byOption.close()]);
  });
});
