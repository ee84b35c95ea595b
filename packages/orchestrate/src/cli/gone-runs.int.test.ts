import { fileURLToPath } from 'node:url';
import { openTestWorkspace, type TestWorkspace } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureOrchestrateTables } from '../run/start-run.js';
import { spawnMlp } from '../server/test-support/mlp-process.js';
import { loadRunSummary } from '../store/run-summary.js';

const hangPipeline = fileURLToPath(new URL('./test-support/hang-pipeline.ts', import.meta.url));

async function until<T>(probe: () => Promise<T | undefined>): Promise<T> {
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

let test: TestWorkspace;
beforeAll(async () => {
  test = await openTestWorkspace('embedded', 'mlp-orchestrate-gone-');
  await ensureOrchestrateTables(test.workspace);
});
afterAll(() => test?.cleanup());

describe('`mlp pipeline run` on an embedded workspace after a run of its pipeline was killed', () => {
  it('ends the killed run as failed, says how to resume it, and runs the new one; progress goes to stderr, JSON alone to stdout', async () => {
    const { dir, database } = test.workspace.config;
    const killed = spawnMlp(dir, database.url, ['pipeline', 'run', hangPipeline, '--param', 'hang=true']);
    const runs = async () =>
      test.workspace.db.query<{ run_id: string; status: string }>(
        `SELECT run_id, status FROM orchestrate_runs WHERE pipeline_name = 'hang-or-not' ORDER BY created_time`,
      );
    const gone = await until(async () => (await runs())[0]?.run_id);
    // In a pipe, each state change is a line on stderr.
    await killed.line((line) => line.includes('▶ work running'));
    killed.child.kill('SIGKILL');
    await killed.exited;
    expect((await loadRunSummary(test.workspace, gone)).status).toBe('running');

    const next = spawnMlp(dir, database.url, ['--json', 'pipeline', 'run', hangPipeline]);
    const { code, stdout } = await next.exited;
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as { run_id: string; status: string };
    expect(result.status).toBe('succeeded');
    expect(result.run_id).not.toBe(gone);
    // Under --json only the result is printed: the notice about the gone run is progress, not output.
    expect(next.stderr.filter((line) => line.trim() !== '')).toEqual([]);

    const ended = await loadRunSummary(test.workspace, gone);
    expect(ended.status).toBe('failed');
    expect(ended.error).toContain(`mlp pipeline retry ${gone}`);
    expect(ended.tasks.map((task) => [task.name, task.status, task.error?.message])).toEqual([
      ['work', 'failed', expect.stringContaining('the process driving it is gone')],
    ]);
    expect((await runs()).map((run) => run.status)).toEqual(['failed', 'succeeded']);
  }, 180_000);

  it('tells a person at a pipe which run it ended and how to resume it', async () => {
    const { dir, database } = test.workspace.config;
    const killed = spawnMlp(dir, database.url, ['pipeline', 'run', hangPipeline, '--param', 'hang=true']);
    const line = await killed.line((text) => text.includes('▶ work running'));
    expect(line).toMatch(/^\d\d:\d\d:\d\d ▶ work running/);
    const [latest] = await test.workspace.db.query<{ run_id: string }>(
      `SELECT run_id FROM orchestrate_runs WHERE pipeline_name = 'hang-or-not' ORDER BY created_time DESC LIMIT 1`,
    );
    const gone = latest!.run_id;
    killed.child.kill('SIGKILL');
    await killed.exited;

    const next = spawnMlp(dir, database.url, ['pipeline', 'run', hangPipeline]);
    const { code } = await next.exited;
    expect(code).toBe(0);
    const said = next.stderr.join('\n');
    expect(said).toContain(`run ${gone} of hang-or-not was left running by a process that is gone: recorded as failed.`);
    expect(said).toContain(`mlp pipeline retry ${gone}`);
    expect(said).toMatch(/✓ work succeeded/);
  }, 180_000);
});
