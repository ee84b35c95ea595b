import { openTestWorkspace, type TestWorkspace } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../../generated/migrations.js';
import type { TaskExecutor } from '../executor.js';
import { openQueueExecutor } from './queue-executor.js';

let test: TestWorkspace;
let executor: TaskExecutor;

beforeAll(async () => {
  test = await openTestWorkspace('postgres', 'mlp-orchestrate-unleased-');
  await test.workspace.migrate(migrations);
  executor = await openQueueExecutor(test.workspace, { pollMs: 100, unleasedGraceMs: 1_000 });
});
afterAll(async () => {
  await executor?.close();
  await test?.cleanup();
});

describe('the queue executor, with no live worker', () => {
  it('gives up an attempt whose job a worker took and never leased (it died in between), and drops the job', async () => {
    const { db } = test.workspace;
    const now = Date.now();
    await db.query(
      `INSERT INTO orchestrate_runs (run_id, pipeline_name, module_path, source_hash, params, status, trigger_kind, executor, created_time)
       VALUES ('r1', 'p', 'p.ts', '', '{}', 'running', 'manual', 'queue', $1)`,
      [now],
    );
    await db.query(
      `INSERT INTO orchestrate_tasks (task_id, run_id, step, status, attempts, fence) VALUES ('r1:s', 'r1', 's', 'running', 1, 1)`,
    );
    await db.query(
      `INSERT INTO orchestrate_attempts (task_id, attempt, run_id, status, executor, lease_owner, lease_expires_at, fence, started_time)
       VALUES ('r1:s', 1, 'r1', 'running', 'queue', 'engine', $1, 1, $2)`,
      [now + 600_000, now],
    );
    const outcome = executor.execute(
      { runId: 'r1', taskId: 'r1:s', attempt: 1, pipeline: { name: 'p', modulePath: 'p.ts', sourceHash: '' }, step: 's' },
      new AbortController().signal,
    );
    // What a worker killed right after taking the job leaves behind.
    for (let i = 0; i < 200; i++) {
      const [job] = await db.query(`SELECT id FROM graphile_worker.jobs WHERE key = 'r1:s#1'`);
      if (job) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await db.query(
      `UPDATE graphile_worker._private_jobs SET locked_by = 'worker-dead', locked_at = now() - interval '1 hour' WHERE key = 'r1:s#1'`,
    );
    expect(await outcome).toEqual({
      status: 'failed',
      error: { code: 'UNAVAILABLE', message: expect.stringContaining('the worker that took it (worker-dead) never leased it') },
    });
    expect(await db.query(`SELECT id FROM graphile_worker.jobs WHERE key = 'r1:s#1'`)).toEqual([]);
  }, 30_000);
});
