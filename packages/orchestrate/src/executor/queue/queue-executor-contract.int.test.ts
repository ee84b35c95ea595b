import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { openTestWorkspace } from '@mlp/core/testing';
import { describeExecutorContract } from '../../testing/executor-contract.js';
import { openQueueExecutor } from './queue-executor.js';

const workerProcess = path.resolve(import.meta.dirname, '../../worker/test-support/worker-process.ts');

/** A real worker process, resolved once it is taking jobs. */
async function spawnWorker(dir: string, url: string) {
  const child = spawn(process.execPath, ['--conditions=@mlp/source', '--import', 'tsx', workerProcess, dir, url, '5000'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  await new Promise<void>((resolve, reject) => {
    lines.on('line', (text) => (JSON.parse(text) as { ready?: boolean }).ready && resolve());
    child.once('exit', (code) => reject(new Error(`the worker exited (${code}) before it was ready`)));
  });
  return child;
}

describeExecutorContract('queue (two worker processes, PostgreSQL)', async () => {
  const test = await openTestWorkspace('postgres', 'mlp-orchestrate-queue-contract-');
  const executor = await openQueueExecutor(test.workspace, { pollMs: 200 });
  const { dir, database } = test.workspace.config;
  const workers = await Promise.all([spawnWorker(dir, database.url), spawnWorker(dir, database.url)]);
  return {
    workspace: test.workspace,
    executor,
    async cleanup() {
      for (const worker of workers) worker.kill('SIGKILL');
      await test.cleanup();
    },
  };
});
