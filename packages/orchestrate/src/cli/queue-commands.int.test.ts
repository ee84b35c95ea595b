import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type CapturedRun, jsonConventionViolations, parseJsonOutput, runCliCaptured, withoutMlpVariables } from '@mlp/cli';
import { createTempDir, createTestDatabase, type TempDir, type TestDatabase } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orchestrateCommands } from './pipeline-commands.js';

const fixture = fileURLToPath(new URL('../worker/test-support/queue-fixture-pipeline.ts', import.meta.url));
const everySecond = fileURLToPath(new URL('../schedule/test-support/every-second-pipeline.ts', import.meta.url));
const cliBin = fileURLToPath(new URL('../../../cli/src/bin.ts', import.meta.url));
let dir: TempDir;
let database: TestDatabase;
let env: Record<string, string | undefined>;

function mlp(...args: string[]): Promise<CapturedRun> {
  return runCliCaptured(['-C', dir.path, ...args], { modules: [orchestrateCommands], cwd: dir.path, env });
}

async function mlpJson<T>(...args: string[]): Promise<{ code: number; json: T }> {
  const result = await mlp('--json', ...args);
  const json = parseJsonOutput<T>(result);
  expect(jsonConventionViolations(json)).toEqual([]);
  return { code: result.code, json };
}

/** A real `mlp worker` process, run from the sources as the installed CLI runs it. */
function mlpWorker() {
  const child = spawn(
    process.execPath,
    ['--conditions=@mlp/source', '--import', 'tsx', cliBin, '-C', dir.path, '--json', 'worker', '--concurrency', '2', '--lease-ms', '2000'],
    {
      cwd: process.cwd(), // where tsx resolves from; the workspace is -C
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; stdout: string }>((resolve) => child.on('close', (code) => resolve({ code, stdout })));
  return { child, exited };
}

beforeAll(async () => {
  dir = await createTempDir('mlp-orchestrate-queue-cli-');
  database = await createTestDatabase();
  env = { ...withoutMlpVariables(process.env), MLP_DATABASE_URL: database.url };
});
afterAll(async () => {
  await database?.drop();
  await dir?.remove();
});

interface RunJson {
  run_id: string;
  status: string;
  tasks: Array<{ name: string; status: string; attempts: number }>;
}

describe('the queue commands', () => {
  it('mlp pipeline trigger --executor queue runs on `mlp worker` processes; a key used again finds the same run; workers report what they ran', async () => {
    expect((await mlp('pipeline', 'run', fixture)).code).toBe(0); // records it
    const workers = [mlpWorker(), mlpWorker()];
    const first = await mlpJson<RunJson>(
      'pipeline',
      'trigger',
      'queue-fixture',
      '--executor',
      'queue',
      '--key',
      'ticket-7',
      '--param',
      'napMs=0',
    );
    expect(first.code).toBe(0);
    expect(first.json.status).toBe('succeeded');
    expect(first.json.tasks.map((t) => [t.name, t.status])).toEqual([
      ['nap', 'succeeded'],
      ['after', 'succeeded'],
    ]);
    const again = await mlpJson<RunJson>('pipeline', 'trigger', 'queue-fixture', '--executor', 'queue', '--key', 'ticket-7');
    expect(again.json.run_id).toBe(first.json.run_id);

    for (const worker of workers) worker.child.kill('SIGTERM');
    const reports = await Promise.all(workers.map((w) => w.exited));
    const totals = reports.map((report) => {
      expect(report.code).toBe(0);
      const json = JSON.parse(report.stdout) as { attempts: { succeeded: number; failed: number }; lease_ms: number; stopped_at: number };
      expect(jsonConventionViolations(json)).toEqual([]);
      expect(json.lease_ms).toBe(2000);
      return json.attempts.succeeded;
    });
    expect(totals[0]! + totals[1]!).toBe(2); // nap and after, once each
  }, 120_000);

  it('mlp pipeline schedules lists the cron, and backfill starts one run per tick, once', async () => {
    expect((await mlp('pipeline', 'run', everySecond)).code).toBe(0);
    const schedules = await mlpJson<Array<Record<string, unknown>>>('pipeline', 'schedules');
    expect(schedules.json).toEqual([
      {
        pipeline: 'every-second',
        cron: '* * * * * *',
        timezone: 'UTC',
        catchup: 'skip',
        next_tick: expect.any(Number),
        last_tick: null,
        error: null,
      },
    ]);
    const from = '2026-01-01T00:00:00Z';
    const to = '2026-01-01T00:00:02Z';
    const backfill = await mlpJson<{ runs: Array<{ tick: number; run_id: string; created: boolean; status: string }> }>(
      'pipeline',
      'backfill',
      'every-second',
      '--from',
      from,
      '--to',
      to,
    );
    expect(backfill.code).toBe(0);
    expect(backfill.json.runs.map((r) => [r.tick, r.created, r.status])).toEqual(
      [0, 1000, 2000].map((ms) => [Date.parse(from) + ms, true, 'succeeded']),
    );
    const repeat = await mlpJson<typeof backfill.json>('pipeline', 'backfill', 'every-second', '--from', from, '--to', to);
    expect(repeat.json.runs.map((r) => [r.run_id, r.created])).toEqual(backfill.json.runs.map((r) => [r.run_id, false]));
  }, 60_000);

  it('refuses a malformed range and an unknown pipeline', async () => {
    const reversed = await mlp('pipeline', 'backfill', 'every-second', '--from', '2026-01-02', '--to', '2026-01-01');
    expect(reversed.code).toBe(2);
    expect(reversed.stderr).toContain('--from must be a time at or before --to');
    const unknown = await mlp('pipeline', 'trigger', 'nope');
    expect(unknown.code).toBe(4);
    expect(unknown.stderr).toContain("no pipeline named 'nope'");
  });
});
