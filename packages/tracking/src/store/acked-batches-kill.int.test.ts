import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openWorkspace } from '@mlp/core';
import { createTempDir, type TempDir } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A logging process and the embedded database are SIGKILLed together right after the store
// acknowledged a batch: on reopening, every acknowledged batch must be there. With the former
// synchronous_commit = off, the last acknowledged batches could still sit in the database's memory.

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const fixture = path.join(packageDir, 'test', 'fixtures', 'log-batches-acked.ts');
const ackedBeforeKill = 200;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 20));
}

let temp: TempDir;
beforeAll(async () => {
  temp = await createTempDir('mlp-tracking-acked-kill-');
});
afterAll(async () => temp?.remove());

describe('acknowledged batches survive SIGKILL of the logger and the embedded database together', () => {
  it('keeps every batch acknowledged before the kill', async () => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('MLP_')));
    const child = spawn(process.execPath, ['--conditions=@mlp/source', '--import', 'tsx', fixture, temp.path], {
      cwd: packageDir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    let runId = '';
    let acked = 0;
    let killed = false;
    const postmasterPid = async () => Number((await readFile(path.join(temp.path, '.mlp', 'db', 'postmaster.pid'), 'utf8')).split('\n')[0]);
    const done = new Promise<number>((resolve, reject) => {
      let buffer = '';
      child.stdout.on('data', async (chunk: Buffer) => {
        buffer += chunk.toString();
        const lines = buffer.split('\n');
        buffer = lines.pop() ?? '';
        for (const line of lines) {
          if (line.startsWith('run ')) runId = line.slice(4);
          if (line.startsWith('acked ')) acked = Number(line.slice(6));
        }
        if (!killed && acked >= ackedBeforeKill) {
          killed = true;
          const postmaster = await postmasterPid();
          // Together: the database first, so nothing it holds in memory reaches disk after the ack.
          process.kill(postmaster, 'SIGKILL');
          child.kill('SIGKILL');
          resolve(postmaster);
        }
      });
      void exited.then(() => {
        if (!killed) reject(new Error(`the logger exited before the kill:\n${stderr}`));
      });
    });
    const postmaster = await done;
    await exited;
    const ackedAtKill = acked;
    await until(() => !alive(postmaster));

    // Reopening starts a new server, which recovers from the write-ahead log.
    const workspace = await openWorkspace({ dir: temp.path, logLevel: 'warn' });
    try {
      const [row] = await workspace.db.query<{ batches: number }>(
        "select count(distinct p.step)::int as batches from tracking_metric_points p join tracking_latest_metrics l using (series_id) where l.run_id = $1 and l.key = 'm0'",
        [runId],
      );
      expect(row?.batches).toBeGreaterThanOrEqual(ackedAtKill);
    } finally {
      await workspace.close();
    }
  });
});
