import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { withoutMlpVariables } from '@mlp/cli';
import type { JobQueue } from '@mlp/core';
import { openTestWorkspace, type TestWorkspace } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnWorker } from '../../test-support/spawn-worker.js';
import { openJobQueue } from './job-queue.js';

const fixture = pathToFileURL(path.resolve(import.meta.dirname, 'job-queue-fixture.ts')).href;
const callerScript = path.resolve(import.meta.dirname, 'job-queue-caller.ts');

let test: TestWorkspace;
let queue: JobQueue;
let workers: ReturnType<typeof spawnWorker>[] = [];

beforeAll(async () => {
  test = await openTestWorkspace('postgres', 'mlp-orchestrate-jobs-');
  queue = await openJobQueue(test.workspace, { pollMs: 200 });
  const { dir, database } = test.workspace.config;
  workers = [spawnWorker(dir, database.url), spawnWorker(dir, database.url)];
  await Promise.all(workers.map((w) => w.next(/^mlp worker: ready/)));
}, 60_000);

afterAll(async () => {
  for (const worker of workers) worker.child.kill('SIGKILL');
  await queue?.close();
  await test?.cleanup();
});

const pids = () => workers.map((w) => w.child.pid);

describe('jobs on the queue, run by two `mlp worker` processes', () => {
  it('runs a module export with JSON input on a worker; its reports get the replies of onReport, in order', async () => {
    const seen: unknown[] = [];
    const result = (await queue.runJob(
      { module: fixture, export: 'fixtureJob', input: { reports: 3 }, label: 'three reports' },
      {
        onReport: (message) => {
          seen.push(message);
          return `reply-${(message as { i: number }).i}`;
        },
      },
    )) as { pid: number; attempt: number; replies: string[] };
    expect(result.replies).toEqual(['reply-0', 'reply-1', 'reply-2']);
    expect(result.attempt).toBe(1);
    expect(pids()).toContain(result.pid);
    expect(seen.map((message) => (message as { i: number }).i)).toEqual([0, 1, 2]);
    expect(await test.workspace.db.query('SELECT job_id FROM orchestrate_jobs')).toEqual([]);
    const worker = workers.find((w) => w.child.pid === result.pid)!;
    await worker.next(/^finished job three reports$/);
  }, 60_000);

  it('rejects with the job’s own error code, with INVALID_ARGUMENT for a missing export or non-JSON input', async () => {
    await expect(queue.runJob({ module: fixture, export: 'fixtureJob', input: { reports: 0, fail: true } })).rejects.toMatchObject({
      code: 'FAILED_PRECONDITION',
      message: 'the fixture job fails as asked',
    });
    await expect(queue.runJob({ module: fixture, export: 'notAFunction', input: {} })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining("no function export 'notAFunction'"),
    });
    await expect(queue.runJob({ module: fixture, input: { big: 10n } })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  }, 60_000);

  it('runs a job again on the other worker when the one running it is SIGKILLed (attempt 2)', async () => {
    let victim: number | undefined;
    const result = (await queue.runJob(
      { module: fixture, export: 'fixtureJob', input: { reports: 1, hang: true } },
      {
        onReport: (message) => {
          const { pid, attempt } = message as { pid: number; attempt: number };
          if (attempt === 1) {
            victim = pid;
            workers.find((w) => w.child.pid === pid)?.child.kill('SIGKILL');
          }
          return attempt;
        },
      },
    )) as { pid: number; attempt: number; replies: number[] };
    expect(victim).toBeDefined();
    expect(result.attempt).toBe(2);
    expect(result.pid).not.toBe(victim);
    expect(pids()).toContain(result.pid);
    expect(result.replies).toEqual([2]);
    const survivor = workers.find((w) => w.child.pid !== victim)!;
    workers = [survivor, spawnWorker(test.workspace.config.dir, test.workspace.config.database.url)];
    await workers[1]!.next(/^mlp worker: ready/);
  }, 90_000);

  it('cancels a running job when its signal aborts: the worker stops it at its next heartbeat', async () => {
    const abort = new AbortController();
    const running = queue.runJob(
      { module: fixture, export: 'fixtureJob', input: { reports: 1, hang: true }, label: 'hanging' },
      { signal: abort.signal, onReport: () => abort.abort() },
    );
    await expect(running).rejects.toMatchObject({ code: 'UNAVAILABLE', message: expect.stringContaining('cancelled') });
    // The job's report is answered as it is cancelled: it stops there, or at the lease it can no longer renew.
    await Promise.race(workers.map((w) => w.next(/^(finished|failed) job hanging/)));
  }, 60_000);

  it('stops a running job whose queuer was SIGKILLed, once the queuer’s lease on it runs out', async () => {
    const { dir, database } = test.workspace.config;
    const caller = spawn(process.execPath, ['--conditions=@mlp/source', '--import', 'tsx', callerScript, dir, database.url, fixture], {
      env: withoutMlpVariables(process.env),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const reported = await new Promise<{ pid: number }>((resolve, reject) => {
      createInterface({ input: caller.stdout }).on('line', (line) => resolve((JSON.parse(line) as { reported: { pid: number } }).reported));
      caller.once('exit', (code) => reject(new Error(`the caller exited (${code}) before its job reported`)));
    });
    caller.kill('SIGKILL');
    const worker = workers.find((w) => w.child.pid === reported.pid)!;
    await worker.next(/^(finished|failed) job caller-gone/);
    expect(await test.workspace.db.query(`SELECT status FROM orchestrate_jobs WHERE label = 'caller-gone'`)).toEqual([
      { status: 'cancelled' },
    ]);
  }, 60_000);
});
