import path from 'node:path';
import { openTestWorkspace, type TestWorkspace } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRun } from '../../run/start-run.js';
import { spawnWorker } from '../../test-support/spawn-worker.js';
import type { TaskExecutor } from '../executor.js';
import { openQueueExecutor } from './queue-executor.js';

const supportDir = path.resolve(import.meta.dirname, '../../worker/test-support');
const fixture = { name: 'queue-fixture', modulePath: path.join(supportDir, 'queue-fixture-pipeline.ts'), sourceHash: '' };

let test: TestWorkspace;
let executor: TaskExecutor;
let workers: ReturnType<typeof spawnWorker>[] = [];

beforeAll(async () => {
  test = await openTestWorkspace('postgres', 'mlp-orchestrate-queue-run-');
  executor = await openQueueExecutor(test.workspace, { pollMs: 200 });
  const { dir, database } = test.workspace.config;
  workers = [spawnWorker(dir, database.url), spawnWorker(dir, database.url)];
  await Promise.all(workers.map((w) => w.next(/^mlp worker: ready/)));
}, 60_000);

afterAll(async () => {
  for (const worker of workers) worker.child.kill('SIGKILL');
  await executor?.close();
  await test?.cleanup();
});

describe('a run on the queue executor with two `mlp worker` processes', () => {
  it('finishes when the worker running a task is SIGKILLed: the task is retried on the other worker, with 2 attempts', async () => {
    const handle = await startRun(test.workspace, fixture, { params: { napMs: 600_000 }, executor });
    const victim = await Promise.race(
      workers.map(async (w) => {
        await w.next(/^started nap /);
        return w;
      }),
    );
    const survivor = workers.find((w) => w !== victim)!;
    victim.child.kill('SIGKILL');

    const summary = await handle.done;
    expect(summary.status).toBe('succeeded');
    const nap = summary.tasks.find((task) => task.name === 'nap')!;
    expect(nap).toMatchObject({ status: 'succeeded', attempts: 2 });
    const attempts = await test.workspace.db.query<{
      attempt: number;
      status: string;
      error: { code?: string } | null;
      lease_owner: string;
    }>(`SELECT attempt, status, error, lease_owner FROM orchestrate_attempts WHERE task_id = $1 ORDER BY attempt`, [nap.taskId]);
    expect(attempts.map((a) => [a.attempt, a.status, a.error?.code ?? null])).toEqual([
      [1, 'failed', 'UNAVAILABLE'],
      [2, 'succeeded', null],
    ]);
    expect(attempts[0]!.lease_owner).toMatch(new RegExp(`:${victim.child.pid}$`));
    expect(attempts[1]!.lease_owner).toMatch(new RegExp(`:${survivor.child.pid}$`));
    const [output] = await test.workspace.db.query<{ value: { napPid: number; pid: number } }>(
      `SELECT value FROM orchestrate_outputs o JOIN orchestrate_tasks t ON t.task_id = o.task_id WHERE t.run_id = $1 AND t.step = 'after'`,
      [summary.runId],
    );
    expect(output!.value).toEqual({ napPid: survivor.child.pid, pid: survivor.child.pid });
  }, 90_000);
});
