import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSilentLogger, openWorkspace } from '@mlp/core';
import { createTempDir, type TempDir } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The `mlp` command users get (the committed bin/mlp.js npm links, loading the build) in real child
// processes: where it finds a workspace, and what it says when the workspace's database is gone or damaged.
const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(packageDir, 'bin', 'mlp.js');

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function mlp(args: string[], cwd: string): Promise<Result> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('MLP_')));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

function doctorChecks(result: Result): Record<string, Check> {
  const report = JSON.parse(result.stdout) as { checks: Check[] };
  return Object.fromEntries(report.checks.map((check) => [check.name, check]));
}

let temp: TempDir;
beforeAll(async () => {
  for (const out of [path.join(packageDir, 'dist', 'bin.js')]) {
    if (!existsSync(out)) throw new Error(`${out} is missing: build first (npm run build).`);
  }
  temp = await createTempDir('mlp-cli-health-');
});
afterAll(() => temp?.remove());

async function initialised(name: string): Promise<string> {
  const dir = path.join(temp.path, name);
  const init = await mlp(['init', '-C', dir], temp.path);
  expect(init.code, init.stderr).toBe(0);
  return dir;
}

describe('workspace discovery', () => {
  it('a command outside any workspace says so (exit 1) and creates nothing', async () => {
    const elsewhere = path.join(temp.path, 'not-a-workspace');
    await mkdir(elsewhere);
    const result = await mlp(['runs', 'ls'], elsewhere);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toContain('error [FAILED_PRECONDITION]: No mlp workspace here');
    expect(await readdir(elsewhere)).toEqual([]);
  });

  it('a command in a subfolder works on the workspace above it', async () => {
    const dir = await initialised('found-upwards');
    const sub = path.join(dir, 'notebooks', 'eda');
    await mkdir(sub, { recursive: true });
    const result = await mlp(['runs', 'ls'], sub);
    expect(result.code, result.stderr).toBe(0);
    expect(await readdir(sub)).toEqual([]);
  });
});

describe('a deleted database', () => {
  it('is refused by every command and reported by doctor; init --reset-db starts an empty one', async () => {
    const dir = await initialised('deleted-db');
    await rm(path.join(dir, '.mlp', 'db'), { recursive: true });

    const command = await mlp(['runs', 'ls'], dir);
    expect(command.code).toBe(1);
    expect(command.stderr).toContain(
      'error [FAILED_PRECONDITION]: The database at .mlp/db is missing; restore it from a backup, or run `mlp init --reset-db` to start empty.',
    );
    expect(existsSync(path.join(dir, '.mlp', 'db'))).toBe(false);

    const doctor = await mlp(['doctor', '--json'], dir);
    expect(doctor.code).toBe(1);
    expect(doctorChecks(doctor).database).toMatchObject({ ok: false, detail: expect.stringContaining('mlp init --reset-db') });

    const reset = await mlp(['init', '--reset-db'], dir);
    expect(reset.code, reset.stderr).toBe(0);
    expect((await mlp(['runs', 'ls'], dir)).code).toBe(0);
  });
});

describe('a damaged database', () => {
  it('makes commands fail with FAILED_PRECONDITION (not INTERNAL) and doctor name the table and what to do', async () => {
    const dir = await initialised('damaged-db');
    const workspace = await openWorkspace({ dir, env: {}, logger: createSilentLogger() });
    const [row] = await workspace.db.query<{ file: string }>("select pg_relation_filepath('tracking_runs') as file");
    await workspace.close();
    await rm(path.join(dir, '.mlp', 'db', row?.file as string));

    const command = await mlp(['runs', 'ls'], dir);
    expect(command.code, command.stderr).toBe(1);
    expect(command.stderr).toMatch(/error \[FAILED_PRECONDITION\]: The workspace database is damaged \(could not open file/);

    const doctor = await mlp(['doctor', '--json'], dir);
    expect(doctor.code).toBe(1);
    const checks = doctorChecks(doctor);
    expect(checks.database?.ok).toBe(true);
    expect(checks.tables).toMatchObject({ ok: false });
    expect(checks.tables?.detail).toMatch(/tracking_runs \(@mlp\/tracking\): could not open file/);
    expect(checks.tables?.detail).toContain('restore .mlp/db from a backup');
  });
});
