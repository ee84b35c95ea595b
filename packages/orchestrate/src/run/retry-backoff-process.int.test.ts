import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { openTestWorkspace, type TestWorkspace } from '@mlp/core/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadRunSummary } from '../store/run-summary.js';

const modulePath = fileURLToPath(new URL('../test-support/backoff-pipeline.ts', import.meta.url));
const script = fileURLToPath(new URL('../test-support/start-run-process.ts', import.meta.url));

let test: TestWorkspace;
beforeAll(async () => {
  test = await openTestWorkspace('postgres', 'mlp-orchestrate-backoff-');
});
afterAll(async () => {
  await test?.cleanup();
});

it('keeps the driving process alive while a retry waits out its backoff', async () => {
  const { config } = test.workspace;
  const args = { dir: config.dir, databaseUrl: config.database.url, modulePath, name: 'backoff', leaseMs: 5_000 };
  const child = spawn(process.execPath, ['--conditions=@mlp/source', '--import', 'tsx', script, JSON.stringify(args)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk) => {
    out += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  // A timer that did not hold the event loop let Node exit mid-run (code 13: an unsettled top-level await).
  expect(code).toBe(0);
  const summary = await loadRunSummary(test.workspace, out.split('\n')[0]!);
  expect(summary.status).toBe('succeeded');
  expect(summary.tasks[0]).toMatchObject({ name: 'flaky', status: 'succeeded', attempts: 2 });
});
