import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Workspace } from '@mlp/core';
import { openTestWorkspace, type TestEngine } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRunSummary } from '../store/run-summary.js';
import { cancelRun } from './cancel-run.js';
import { recoverRuns } from './recover-runs.js';

const modulePath = fileURLToPath(new URL('../test-support/kill-pipeline.ts', import.meta.url));
const script = fileURLToPath(new URL('../test-support/start-run-process.ts', import.meta.url));

async function until<T>(probe: () => Promise<T | undefined>): Promise<T> {
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.each<TestEngine>(['embedded', 'postgres'])('recovering a run after kill -9 (%s)', (engine) => {
  let workspace: Workspace;
  let cleanup: () => Promise<void>;
  let child: ChildProcess | undefined;
  beforeAll(async () => {
    ({ workspace, cleanup } = await openTestWorkspace(engine, 'mlp-orchestrate-kill-'));
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await cleanup?.();
  });

  it('leaves nothing RUNNING for good: the run is resumed, the killed attempt fails and the retry finishes', async () => {
    const args = { dir: workspace.config.dir, databaseUrl: workspace.config.database.url, modulePath, name: 'kill-me', leaseMs: 1_000 };
    child = spawn(process.execPath, ['--conditions=@mlp/source', '--import', 'tsx', script, JSON.stringify(args)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout!.on('data', (chunk) => {
      out += chunk;
    });
    const runId = await until(async () => (out.includes('\n') ? out.split('\n')[0]! : undefined));
    // Wait until the first attempt of 'hang' is running in the child, then SIGKILL it.
    await until(async () => {
      const summary = await loadRunSummary(workspace, runId);
      return summary.tasks.find((t) => t.name === 'hang')?.status === 'running' ? true : undefined;
    });
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    expect((await loadRunSummary(workspace, runId)).status).toBe('running');

    // Recovery takes the run once its engine is seen gone: its process no longer exists here (or its claim expired).
    const handles = await until(async () => {
      const resumed = await recoverRuns(workspace, { pipeline: 'kill-me' });
      return resumed.length ? resumed : undefined;
    });
    expect(handles.map((h) => h.runId)).toEqual([runId]);
    const summary = await handles[0]!.done;
    expect(summary.status).toBe('succeeded');
    const hang = summary.tasks.find((t) => t.name === 'hang')!;
    expect(hang).toMatchObject({ status: 'succeeded', attempts: 2 });
    const attempts = await workspace.db.query<{ attempt: number; status: string; error: { message: string } | null }>(
      `select attempt, status, error from orchestrate_attempts where task_id = $1 order by attempt`,
      [hang.taskId],
    );
    expect(attempts.map((a) => [a.attempt, a.status])).toEqual([
      [1, 'failed'],
      [2, 'succeeded'],
    ]);
    expect(attempts[0]!.error?.message).toMatch(/process running this attempt is gone/);
    const after = await workspace.db.query<{ value: string }>(
      `select o.value from orchestrate_outputs o join orchestrate_tasks t using (task_id) where t.run_id = $1 and t.step = 'after'`,
      [runId],
    );
    expect(after[0]?.value).toBe(`after ready, attempt 2, pid ${process.pid}`);
    const running = await workspace.db.query(`select 1 from orchestrate_attempts where run_id = $1 and status = 'running'`, [runId]);
    expect(running).toHaveLength(0);
  });

  it('cancels a run driven by another process at its next heartbeat', async () => {
    const args = { dir: workspace.config.dir, databaseUrl: workspace.config.database.url, modulePath, name: 'kill-me', leaseMs: 1_000 };
    const driver = spawn(process.execPath, ['--conditions=@mlp/source', '--import', 'tsx', script, JSON.stringify(args)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child = driver;
    let out = '';
    driver.stdout!.on('data', (chunk) => {
      out += chunk;
    });
    const runId = await until(async () => (out.includes('\n') ? out.split('\n')[0]! : undefined));
    await until(async () =>
      (await loadRunSummary(workspace, runId)).tasks.find((t) => t.name === 'hang')?.status === 'running' ? true : undefined,
    );
    expect(await cancelRun(workspace, runId)).toBe('running');
    // The driving process sees the request at its next heartbeat (its step ignores the signal: only the run ends).
    const summary = await until(async () => {
      const now = await loadRunSummary(workspace, runId);
      return now.status === 'running' ? undefined : now;
    });
    expect(summary.status).toBe('cancelled');
    // Its 'hang' step ignores the signal, so the driver never exits by itself; afterAll kills it once it has
    // closed its workspace (a kill while it holds the database lock would leave the lock to go stale).
    await until(async () => (out.includes('closed\n') ? true : undefined));
    expect(summary.tasks.map((t) => [t.name, t.status])).toEqual([
      ['before', 'succeeded'],
      ['hang', 'cancelled'],
      ['after', 'cancelled'],
    ]);
  });
});
