import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { sha256Hex } from '@mlp/core';
import { openTestWorkspace, type TestWorkspace } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../../generated/migrations.js';
import { claimAttempt } from '../../worker/attempt-lease.js';
import type { TaskAssignment, TaskExecutor } from '../executor.js';
import { openQueueExecutor } from './queue-executor.js';

const supportDir = path.resolve(import.meta.dirname, '../../worker/test-support');
const fixture = path.join(supportDir, 'queue-fixture-pipeline.ts');
const ref = { name: 'queue-fixture', modulePath: fixture, sourceHash: sha256Hex(readFileSync(fixture, 'utf8')) };
const leaseMs = 1_500;

interface WorkerLine {
  ready?: boolean;
  pid: number;
  key?: string;
  phase?: 'started' | 'ended';
}

/** A real worker process; `lines` collects what it printed. */
function spawnWorker(dir: string, url: string) {
  const child = spawn(
    process.execPath,
    ['--conditions=@mlp/source', '--import', 'tsx', path.join(supportDir, 'worker-process.ts'), dir, url, String(leaseMs)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const lines: WorkerLine[] = [];
  const waiters: { match: (line: WorkerLine) => boolean; resolve: (line: WorkerLine) => void }[] = [];
  createInterface({ input: child.stdout }).on('line', (text) => {
    const line = JSON.parse(text) as WorkerLine;
    lines.push(line);
    for (const waiter of waiters.filter((w) => w.match(line))) waiter.resolve(line);
  });
  const next = (match: (line: WorkerLine) => boolean) =>
    new Promise<WorkerLine>((resolve) => {
      const seen = lines.find(match);
      if (seen) resolve(seen);
      else waiters.push({ match, resolve });
    });
  return { child, lines, next };
}

let test: TestWorkspace;
let executor: TaskExecutor;
let workers: ReturnType<typeof spawnWorker>[];
let runs = 0;

beforeAll(async () => {
  test = await openTestWorkspace('postgres', 'mlp-orchestrate-queue-');
  await test.workspace.migrate(migrations);
  executor = await openQueueExecutor(test.workspace, { pollMs: 200 });
  const { dir, database } = test.workspace.config;
  workers = [spawnWorker(dir, database.url), spawnWorker(dir, database.url)];
  await Promise.all(workers.map((w) => w.next((line) => line.ready === true)));
}, 60_000);

afterAll(async () => {
  for (const worker of workers ?? []) worker.child.kill('SIGKILL');
  await executor?.close();
  await test?.cleanup();
});

/** What the run engine does before an executor runs an attempt: the run, the task, and the attempt row with the task's fence. */
async function newTask(step: string, params: unknown): Promise<{ runId: string; taskId: string }> {
  const runId = `run-${++runs}`;
  const taskId = `${runId}:${step}`;
  const now = Date.now();
  await test.workspace.db.query(
    `INSERT INTO orchestrate_runs (run_id, pipeline_name, module_path, source_hash, params, status, trigger_kind, executor, created_time)
     VALUES ($1, $2, $3, $4, $5, 'running', 'manual', 'queue', $6)`,
    [runId, ref.name, ref.modulePath, ref.sourceHash, JSON.stringify(params), now],
  );
  await test.workspace.db.query(`INSERT INTO orchestrate_tasks (task_id, run_id, step, status) VALUES ($1, $2, $3, 'running')`, [
    taskId,
    runId,
    step,
  ]);
  return { runId, taskId };
}

async function startAttempt(taskId: string, runId: string, attempt: number): Promise<void> {
  const now = Date.now();
  await test.workspace.db.query('UPDATE orchestrate_tasks SET fence = $2, attempts = $2 WHERE task_id = $1', [taskId, attempt]);
  await test.workspace.db.query(
    `INSERT INTO orchestrate_attempts (task_id, attempt, run_id, status, executor, lease_owner, lease_expires_at, fence, started_time)
     VALUES ($1, $2, $3, 'running', 'queue', 'engine', $4, $2, $5)`,
    [taskId, attempt, runId, now + 60_000, now],
  );
}

const assignmentOf = (runId: string, taskId: string, attempt: number, step = 'nap'): TaskAssignment => ({
  runId,
  taskId,
  attempt,
  pipeline: ref,
  step,
});

async function output(taskId: string): Promise<{ pid: number; attempt: number }> {
  const [row] = await test.workspace.db.query<{ value: { pid: number; attempt: number } }>(
    'SELECT value FROM orchestrate_outputs WHERE task_id = $1',
    [taskId],
  );
  return row!.value;
}

describe('the queue executor with two worker processes', () => {
  it('runs an attempt on a worker, which leases it, runs the step and writes its output', async () => {
    const { runId, taskId } = await newTask('nap', { napMs: 0 });
    await startAttempt(taskId, runId, 1);
    const outcome = await executor.execute(assignmentOf(runId, taskId, 1), new AbortController().signal);
    expect(outcome).toEqual({ status: 'succeeded' });
    const out = await output(taskId);
    expect(workers.map((w) => w.child.pid)).toContain(out.pid);
    const [attempt] = await test.workspace.db.query<{ status: string; lease_owner: string }>(
      'SELECT status, lease_owner FROM orchestrate_attempts WHERE task_id = $1',
      [taskId],
    );
    expect(attempt).toMatchObject({ status: 'succeeded' });
    expect(attempt!.lease_owner).toMatch(new RegExp(`^worker-[0-9a-f]+@.+:${out.pid}$`));
  }, 60_000);

  it('gives up the attempt of a SIGKILLed worker once its lease runs out; the next attempt runs on the other worker', async () => {
    const { runId, taskId } = await newTask('nap', { napMs: 600_000 });
    await startAttempt(taskId, runId, 1);
    const first = executor.execute(assignmentOf(runId, taskId, 1), new AbortController().signal);
    const started = await Promise.race(workers.map((w) => w.next((line) => line.key === `${taskId}#1` && line.phase === 'started')));
    const victim = workers.find((w) => w.child.pid === started.pid)!;
    victim.child.kill('SIGKILL');
    const lost = await first;
    expect(lost.status).toBe('failed');
    expect(lost.status === 'failed' && lost.error).toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringContaining(`:${started.pid}`),
    });

    // The run engine records the failure and starts attempt 2 (same as finishAttempt + startAttempt).
    await test.workspace.db.query(`UPDATE orchestrate_attempts SET status = 'failed' WHERE task_id = $1 AND attempt = 1`, [taskId]);
    await startAttempt(taskId, runId, 2);
    expect(await executor.execute(assignmentOf(runId, taskId, 2), new AbortController().signal)).toEqual({ status: 'succeeded' });
    const survivor = workers.find((w) => w !== victim)!;
    expect(await output(taskId)).toEqual({ pid: survivor.child.pid, attempt: 2 });
    const attempts = await test.workspace.db.query<{ attempt: number; status: string }>(
      'SELECT attempt, status FROM orchestrate_attempts WHERE task_id = $1 ORDER BY attempt',
      [taskId],
    );
    expect(attempts).toEqual([
      { attempt: 1, status: 'failed' },
      { attempt: 2, status: 'succeeded' },
    ]);
    workers = [survivor, spawnWorker(test.workspace.config.dir, test.workspace.config.database.url)];
    await workers[1]!.next((line) => line.ready === true);
  }, 60_000);

  it('stops a running attempt when the engine aborts it', async () => {
    const { runId, taskId } = await newTask('nap', { napMs: 600_000 });
    await startAttempt(taskId, runId, 1);
    const abort = new AbortController();
    const outcome = executor.execute(assignmentOf(runId, taskId, 1), abort.signal);
    const started = await Promise.race(workers.map((w) => w.next((line) => line.key === `${taskId}#1` && line.phase === 'started')));
    abort.abort();
    expect(await outcome).toEqual({ status: 'cancelled' });
    const worker = workers.find((w) => w.child.pid === started.pid)!;
    await worker.next((line) => line.key === `${taskId}#1` && line.phase === 'ended');
  }, 60_000);

  it('does not let a superseded attempt take a lease (fencing)', async () => {
    const { runId, taskId } = await newTask('nap', { napMs: 0 });
    await startAttempt(taskId, runId, 1);
    await test.workspace.db.query('UPDATE orchestrate_tasks SET fence = 2 WHERE task_id = $1', [taskId]);
    expect(await claimAttempt(test.workspace, assignmentOf(runId, taskId, 1), 'worker-x@host:1', leaseMs)).toBe(false);
    await test.workspace.db.query('UPDATE orchestrate_tasks SET fence = 1 WHERE task_id = $1', [taskId]);
    expect(await claimAttempt(test.workspace, assignmentOf(runId, taskId, 1), 'worker-x@host:1', leaseMs)).toBe(true);
  });
});
