import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { openTestWorkspace, type TestWorkspace } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPipeline } from '../load/load-pipeline.js';
import { ensureOrchestrateTables } from '../run/start-run.js';
import { scheduleTriggerKey } from '../schedule/cron-schedule.js';
import { recordPipeline } from '../store/run-store.js';
import { loadRunSummary } from '../store/run-summary.js';
import { type MlpProcess, spawnMlp, spawnMlpServer } from './test-support/mlp-process.js';

const everySecond = fileURLToPath(new URL('../schedule/test-support/every-second-pipeline.ts', import.meta.url));
const killPipeline = fileURLToPath(new URL('../test-support/kill-pipeline.ts', import.meta.url));
const startRunProcess = fileURLToPath(new URL('../test-support/start-run-process.ts', import.meta.url));

async function until<T>(probe: () => Promise<T | undefined>): Promise<T> {
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function stop(...processes: MlpProcess[]) {
  for (const process of processes) process.child.kill('SIGTERM');
  return Promise.all(processes.map((process) => process.exited));
}

describe('schedules inside `mlp server` and `mlp worker` at once', () => {
  let test: TestWorkspace;
  beforeAll(async () => {
    test = await openTestWorkspace('postgres', 'mlp-orchestrate-in-server-');
    await ensureOrchestrateTables(test.workspace);
  });
  afterAll(() => test?.cleanup());

  it('start exactly one run per tick of a cron of every second', async () => {
    const { pipeline, ref } = await loadPipeline(everySecond, test.workspace.config.dir);
    await recordPipeline(test.workspace, pipeline, ref);
    const { dir, database } = test.workspace.config;
    const count = async () =>
      Number(
        (await test.workspace.db.query<{ n: string }>(`SELECT count(*) AS n FROM orchestrate_runs WHERE trigger_kind = 'schedule'`))[0]!.n,
      );
    const server = await spawnMlpServer(dir, database.url);
    const worker = spawnMlp(dir, database.url, ['worker', '--concurrency', '2']);
    await worker.line((line) => line.includes('mlp worker: ready') && line.includes('firing schedules'));
    const first = await count();
    // Eight ticks while both fire: how long that takes on a loaded machine does not matter.
    await until(async () => ((await count()) >= first + 8 ? true : undefined));
    const stopped = await stop(server, worker);
    expect(stopped.map((s) => s.code)).toEqual([0, 0]);

    const runs = await test.workspace.db.query<{ trigger_key: string; logical_time: string; status: string; executor: string }>(
      `SELECT trigger_key, logical_time, status, executor FROM orchestrate_runs WHERE pipeline_name = 'every-second' ORDER BY logical_time`,
    );
    const ticks = runs.map((run) => Number(run.logical_time));
    expect(runs.map((run) => run.trigger_key)).toEqual(ticks.map(scheduleTriggerKey));
    expect(new Set(ticks).size).toBe(ticks.length);
    expect(ticks).toEqual(ticks.map((_, i) => ticks[0]! + i * 1_000));
    // Both fired: the server's runs ran here, the worker's on the queue. Closing waited for each its own.
    expect(runs.every((run) => run.status === 'succeeded')).toBe(true);
  }, 180_000);
});

describe('a run whose driving process is SIGKILLed', () => {
  let test: TestWorkspace;
  beforeAll(async () => {
    test = await openTestWorkspace('postgres', 'mlp-orchestrate-recover-');
    await ensureOrchestrateTables(test.workspace);
  });
  afterAll(() => test?.cleanup());

  it('is resumed by `mlp server` without anyone calling recover: nothing is left RUNNING', async () => {
    const { dir, database } = test.workspace.config;
    const server = await spawnMlpServer(dir, database.url);
    // A long claim: what resumes the run is the server seeing the driver's process gone, not the claim expiring.
    const args = { dir, databaseUrl: database.url, modulePath: killPipeline, name: 'kill-me', leaseMs: 600_000 };
    const driver = spawn(process.execPath, ['--conditions=@mlp/source', '--import', 'tsx', startRunProcess, JSON.stringify(args)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    driver.stdout!.on('data', (chunk) => {
      out += chunk;
    });
    const runId = await until(async () => (out.includes('\n') ? out.split('\n')[0]! : undefined));
    await until(async () => {
      const summary = await loadRunSummary(test.workspace, runId);
      return summary.tasks.find((task) => task.name === 'hang')?.status === 'running' ? true : undefined;
    });
    const exited = new Promise((resolve) => driver.once('exit', resolve));
    driver.kill('SIGKILL');
    await exited;

    const summary = await until(async () => {
      const now = await loadRunSummary(test.workspace, runId);
      return now.status === 'running' ? undefined : now;
    });
    await server.line((line) => line.includes(runId) && line.includes('resumed a pipeline run'));
    expect(summary.status).toBe('succeeded');
    expect(summary.tasks.map((task) => [task.name, task.status, task.attempts])).toEqual([
      ['before', 'succeeded', 1],
      ['hang', 'succeeded', 2],
      ['after', 'succeeded', 1],
    ]);
    const attempts = await test.workspace.db.query<{ attempt: number; status: string; error: { message: string } | null }>(
      `SELECT attempt, status, error FROM orchestrate_attempts WHERE task_id = $1 ORDER BY attempt`,
      [`${runId}:hang`],
    );
    expect(attempts.map((a) => a.status)).toEqual(['failed', 'succeeded']);
    expect(attempts[0]!.error?.message).toContain('is gone');
    const stillRunning = await test.workspace.db.query(
      `SELECT 1 FROM orchestrate_attempts WHERE status = 'running' UNION ALL SELECT 1 FROM orchestrate_runs WHERE status = 'running'`,
    );
    expect(stillRunning).toEqual([]);
    const [stopped] = await stop(server);
    expect(stopped!.code).toBe(0);
  }, 180_000);
});
