import { writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CapturedRun, jsonConventionViolations, parseJsonOutput, runCliCaptured, withoutMlpVariables } from '@mlp/cli';
import { exitCodeFor, openWorkspace } from '@mlp/core';
import { createTempDir, type TempDir } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskExecutor } from '../executor/executor.js';
import { startRun } from '../run/start-run.js';
import { orchestrateCommands } from './pipeline-commands.js';

const modulePath = fileURLToPath(new URL('../test-support/cli-pipeline.ts', import.meta.url));
const throwing = fileURLToPath(new URL('../test-support/throwing-pipeline.mjs', import.meta.url));
const env = withoutMlpVariables(process.env);
let dir: TempDir;

function mlp(...args: string[]): Promise<CapturedRun> {
  return runCliCaptured(['-C', dir.path, ...args], { modules: [orchestrateCommands], cwd: dir.path, env });
}

async function mlpJson<T = Record<string, unknown>>(...args: string[]): Promise<{ code: number; json: T }> {
  const result = await mlp('--json', ...args);
  const json = parseJsonOutput<T>(result);
  expect(jsonConventionViolations(json)).toEqual([]);
  return { code: result.code, json };
}

interface RunJson {
  run_id: string;
  pipeline: string;
  status: string;
  params: Record<string, unknown>;
  started_at: number;
  ended_at: number;
  tasks: Array<{ name: string; map_index: number | null; status: string; attempts: number; cached: boolean; error: string | null }>;
}

beforeAll(async () => {
  dir = await createTempDir('mlp-orchestrate-cli-');
});
afterAll(async () => {
  await dir?.remove();
});

describe('mlp pipeline', () => {
  let failedRun: string;
  const brokenFile = () => path.join(dir.path, 'broken');

  it('run FILE --param prints the run with its tasks; show, runs, ls and logs read it back', async () => {
    const { code, json } = await mlpJson<RunJson>('pipeline', 'run', modulePath, '--param', 'n=3');
    expect(code).toBe(0);
    expect(json).toMatchObject({ pipeline: 'cli-demo', status: 'succeeded', params: { n: 3, brokenFile: '' } });
    expect(json.ended_at).toBeGreaterThanOrEqual(json.started_at);
    expect(json.tasks.map((t) => [t.name, t.map_index, t.status])).toEqual([
      ['numbers', null, 'succeeded'],
      ['square', null, 'succeeded'],
      ['square', 0, 'succeeded'],
      ['square', 1, 'succeeded'],
      ['square', 2, 'succeeded'],
      ['check', null, 'succeeded'],
    ]);
    expect((await mlpJson<RunJson>('pipeline', 'show', json.run_id)).json).toEqual(json);
    const runs = await mlpJson<Array<{ run_id: string }>>('pipeline', 'runs', 'cli-demo');
    expect(runs.json.map((r) => r.run_id)).toEqual([json.run_id]);
    const listed = await mlpJson<Array<{ name: string; module_path: string; last_run: { run_id: string } }>>('pipeline', 'ls');
    expect(listed.json).toEqual([
      expect.objectContaining({ name: 'cli-demo', module_path: modulePath, last_run: expect.objectContaining({ run_id: json.run_id }) }),
    ]);
    const logs = await mlpJson<Array<{ step: string; message: string }>>('pipeline', 'logs', json.run_id, 'numbers');
    expect(logs.json).toEqual([expect.objectContaining({ step: 'numbers', message: 'making 3 numbers' })]);
    expect((await mlp('pipeline', 'logs', json.run_id)).stdout).toMatch(/ info {2}numbers#1 making 3 numbers$/m);
    const followed = await mlpJson<unknown[]>('pipeline', 'logs', json.run_id, '--follow');
    expect(followed.json).toHaveLength(1);
    const text = await mlp('pipeline', 'show', json.run_id);
    expect(text.stdout).toMatch(/✓ square succeeded 3\/3 items/);
  });

  it('exits 1 when the run fails, and retry RUN_ID re-runs only the failed step', async () => {
    writeFileSync(brokenFile(), 'yes');
    const failed = await mlpJson<RunJson>('pipeline', 'run', 'cli-demo', '--param', 'n=2', '--param', `brokenFile=${brokenFile()}`);
    expect(failed.code).toBe(1);
    expect(failed.json.status).toBe('failed');
    expect(failed.json.tasks.find((t) => t.name === 'check')).toMatchObject({ status: 'failed', error: `broken: ${brokenFile()} exists` });
    failedRun = failed.json.run_id;
    await rm(brokenFile());
    const retried = await mlpJson<RunJson>('pipeline', 'retry', failedRun);
    expect(retried.code).toBe(0);
    expect(retried.json).toMatchObject({ run_id: failedRun, status: 'succeeded' });
    const attempts = Object.fromEntries(retried.json.tasks.filter((t) => t.map_index === null).map((t) => [t.name, t.attempts]));
    expect(attempts).toEqual({ numbers: 1, square: 0, check: 2 });
    expect((await mlpJson('pipeline', 'cancel', failedRun)).json).toEqual({ run_id: failedRun, status: 'succeeded' });
  });

  it('run --detach returns at once; the run goes on in the background', async () => {
    const started = await mlpJson<RunJson>('pipeline', 'run', modulePath, '--param', 'n=4', '--detach');
    expect(started.code).toBe(0);
    let status = started.json.status;
    while (status === 'running') {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = (await mlpJson<RunJson>('pipeline', 'show', started.json.run_id)).json.status;
    }
    expect(status).toBe('succeeded');
  });

  it('exec-task runs one attempt the engine started, as an executor in a Job or on another machine does', async () => {
    const workspace = await openWorkspace({ dir: dir.path, logLevel: 'warn' });
    try {
      const ran: string[] = [];
      const executor: TaskExecutor = {
        name: 'cli-exec-task',
        async execute(task) {
          const result = await mlpJson<{ status: string; error: string | null }>(
            'pipeline',
            'exec-task',
            '--run',
            task.runId,
            '--task',
            task.taskId,
            '--attempt',
            String(task.attempt),
          );
          ran.push(`${task.step}:${result.code}`);
          return result.json.status === 'succeeded'
            ? { status: 'succeeded' }
            : { status: 'failed', error: { message: result.json.error ?? '' } };
        },
        async close() {},
      };
      const summary = await (await startRun(workspace, { name: 'cli-demo', modulePath, sourceHash: '' }, { params: { n: 2 }, executor }))
        .done;
      expect(summary.status).toBe('succeeded');
      expect(ran.sort()).toEqual(['check:0', 'numbers:0', 'square:0', 'square:0']);
      // An attempt that is not the task's current one writes nothing and says why.
      const stale = await mlpJson<{ status: string; error: string }>(
        'pipeline',
        'exec-task',
        '--run',
        summary.runId,
        '--task',
        `${summary.runId}:check`,
        '--attempt',
        '7',
      );
      expect(stale.code).toBe(1);
      expect(stale.json.error).toMatch(/attempt 7 of task .* was superseded/);
    } finally {
      await workspace.close();
    }
  });

  it('refuses bad input before anything runs, with the error code and a message that says what to do', async () => {
    const badParam = await mlp('pipeline', 'run', modulePath, '--param', 'n=zero');
    expect(badParam.code).toBe(exitCodeFor('INVALID_ARGUMENT'));
    expect(badParam.stderr).toMatch(/params of pipeline 'cli-demo' are not valid: n: /);
    const unknown = await mlp('pipeline', 'run', 'no-such-pipeline');
    expect(unknown.code).toBe(exitCodeFor('NOT_FOUND'));
    expect(unknown.stderr).toMatch(/neither a pipeline module file nor a recorded pipeline/);
    const throws = await mlp('pipeline', 'run', throwing);
    expect(throws.code).toBe(exitCodeFor('INVALID_ARGUMENT'));
    expect(throws.stderr).toMatch(/threw while loading: cannot reach the config service/);
    expect((await mlp('pipeline', 'show', 'nope')).code).toBe(exitCodeFor('NOT_FOUND'));
    const runs = await mlpJson<unknown[]>('pipeline', 'runs');
    expect(runs.json).toHaveLength(4);
  });
});
