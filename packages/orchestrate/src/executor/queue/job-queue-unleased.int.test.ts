import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { JobQueue } from '@mlp/core';
import { openTestWorkspace, type TestWorkspace } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorker } from '../../worker/start-worker.js';
import { openJobQueue } from './job-queue.js';

const fixture = pathToFileURL(path.resolve(import.meta.dirname, 'job-queue-fixture.ts')).href;

let test: TestWorkspace;
let queue: JobQueue;

beforeAll(async () => {
  test = await openTestWorkspace('postgres', 'mlp-orchestrate-jobs-unleased-');
  queue = await openJobQueue(test.workspace, { pollMs: 100, unleasedGraceMs: 1_000 });
});

afterAll(async () => {
  await queue?.close();
  await test?.cleanup();
});

/** Polls until the job's row shows `attempt`. */
async function attemptOf(label: string, attempt: number): Promise<void> {
  for (;;) {
    const [row] = await test.workspace.db.query<{ attempt: number }>('SELECT attempt FROM orchestrate_jobs WHERE label = $1', [label]);
    if (row?.attempt === attempt) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function graphileJobOf(label: string, attempt: number): Promise<string> {
  for (;;) {
    const [job] = await test.workspace.db.query<{ id: string }>(
      `SELECT g.id::text FROM graphile_worker.jobs g JOIN orchestrate_jobs j ON g.key = j.job_id || '#' || $2 WHERE j.label = $1`,
      [label, attempt],
    );
    if (job) return job.id;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('jobs whose queue job cannot run, with no worker up yet', () => {
  it('queues a job again when the worker that took it died before leasing it, or its queue job is gone', async () => {
    const stuck = queue.runJob({ module: fixture, export: 'fixtureJob', input: { reports: 0 }, label: 'stuck' });
    const gone = queue.runJob({ module: fixture, export: 'fixtureJob', input: { reports: 0 }, label: 'gone' });
    // What a worker killed right after taking the job leaves behind, and a job lost from the queue.
    const stuckId = await graphileJobOf('stuck', 1);
    await test.workspace.db.query(
      `UPDATE graphile_worker._private_jobs SET locked_by = 'worker-dead', locked_at = now() - interval '1 hour' WHERE id = $1`,
      [stuckId],
    );
    await test.workspace.db.query('DELETE FROM graphile_worker._private_jobs WHERE id = $1', [await graphileJobOf('gone', 1)]);
    await Promise.all([attemptOf('stuck', 2), attemptOf('gone', 2)]);
    const worker = await startWorker(test.workspace, { leaseMs: 1_500 });
    try {
      expect(await stuck).toMatchObject({ attempt: 2, pid: process.pid });
      expect(await gone).toMatchObject({ attempt: 2, pid: process.pid });
    } finally {
      await worker.close();
    }
  }, 60_000);
});
