import { spawn } from 'node:child_process';
import path from 'node:path';
import { withoutMlpVariables } from '@mlp/cli';
import { openTestWorkspace, type TestWorkspace } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPipeline } from '../load/load-pipeline.js';
import { ensureOrchestrateTables } from '../run/start-run.js';
import { recordPipeline } from '../store/run-store.js';
import { scheduleTriggerKey } from './cron-schedule.js';

const supportDir = path.resolve(import.meta.dirname, 'test-support');
const cliBin = path.resolve(import.meta.dirname, '../../../cli/src/bin.ts');

/** A real `mlp scheduler` process (from the sources, as the installed CLI runs), reporting as JSON when stopped. */
function spawnScheduler(dir: string, url: string) {
  const child = spawn(process.execPath, ['--conditions=@mlp/source', '--import', 'tsx', cliBin, '-C', dir, '--json', 'scheduler'], {
    env: { ...withoutMlpVariables(process.env), MLP_DATABASE_URL: url },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; report: { ticks: number; events: number } }>((resolve) =>
    child.on('close', (code) => resolve({ code, report: JSON.parse(stdout || '{}') })),
  );
  return { child, exited };
}

let test: TestWorkspace;
beforeAll(async () => {
  test = await openTestWorkspace('postgres', 'mlp-orchestrate-schedulers-');
  await ensureOrchestrateTables(test.workspace);
});
afterAll(() => test?.cleanup());

describe('two `mlp scheduler` processes and a cron of every second', () => {
  it('start exactly one run per tick', async () => {
    const { pipeline, ref } = await loadPipeline(path.join(supportDir, 'every-second-pipeline.ts'), test.workspace.config.dir);
    await recordPipeline(test.workspace, pipeline, ref);
    const { dir, database } = test.workspace.config;
    const schedulers = [spawnScheduler(dir, database.url), spawnScheduler(dir, database.url)];
    const count = async () =>
      Number(
        (await test.workspace.db.query<{ n: string }>(`SELECT count(*) AS n FROM orchestrate_runs WHERE trigger_kind = 'schedule'`))[0]!.n,
      );
    // About ten seconds of ticks; how long it takes on a loaded machine does not matter.
    for (let i = 0; i < 600 && (await count()) < 10; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    for (const scheduler of schedulers) scheduler.child.kill('SIGTERM');
    const stopped = await Promise.all(schedulers.map((s) => s.exited));
    expect(stopped.map((s) => s.code)).toEqual([0, 0]);

    const runs = await test.workspace.db.query<{ trigger_key: string; logical_time: string; status: string }>(
      `SELECT trigger_key, logical_time, status FROM orchestrate_runs WHERE pipeline_name = 'every-second' ORDER BY logical_time`,
    );
    expect(runs.length).toBeGreaterThanOrEqual(10);
    const ticks = runs.map((run) => Number(run.logical_time));
    // One run per tick: every key names its own tick, no tick twice, and no tick skipped between the first and the last.
    expect(runs.map((run) => run.trigger_key)).toEqual(ticks.map(scheduleTriggerKey));
    expect(new Set(ticks).size).toBe(ticks.length);
    expect(ticks).toEqual(ticks.map((_, i) => ticks[0]! + i * 1_000));
    // What each scheduler says it started adds up to the runs there are: a lost race is not counted twice.
    expect(stopped[0]!.report.ticks + stopped[1]!.report.ticks).toBe(runs.length);
    // Closing waits for the runs a scheduler started: none is left running.
    expect(runs.every((run) => run.status === 'succeeded')).toBe(true);
  }, 120_000);
});
