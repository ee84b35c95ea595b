import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTempDir, type TempDir } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonConventionViolations } from './json-convention.js';

// Runs the built `mlp` binary as users do. `npm test` (root) and `npm test -w @mlp/cli` build first;
// a missing build fails here rather than running nothing.
const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(packageDir, 'dist', 'bin.js');
const coreDir = path.resolve(packageDir, '..', 'core');

function assertBuilt(): void {
  // Only existence: `npm test` builds through nx first, and nx restores cached outputs with their old
  // modification times, so comparing times with the sources would be wrong.
  for (const out of [bin, path.join(coreDir, 'dist', 'index.js')]) {
    if (!existsSync(out)) throw new Error(`${out} is missing: build first (npm run build).`);
  }
}

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node dist/bin.js ...args` with no MLP_* variables but those given. */
function mlp(args: string[], options: { cwd: string; env?: Record<string, string> }): Promise<Result> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('MLP_')));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: options.cwd,
      env: { ...env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
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

function json(result: Result): Record<string, unknown> {
  try {
    return JSON.parse(result.stdout) as Record<string, unknown>;
  } catch {
    throw new Error(`stdout is not one JSON document (exit ${result.code}):\n${result.stdout}\nstderr:\n${result.stderr}`);
  }
}

let temp: TempDir;
let workspace: string;

beforeAll(async () => {
  assertBuilt();
  temp = await createTempDir('mlp-cli-int-');
  workspace = path.join(temp.path, 'project', 'ml'); // init creates the missing folders
});
afterAll(async () => {
  await temp?.remove();
});

describe('the mlp binary', () => {
  it('prints its package version', async () => {
    const manifest = JSON.parse(await readFile(path.join(packageDir, 'package.json'), 'utf8')) as { version: string };
    const result = await mlp(['--version'], { cwd: temp.path });
    expect(result).toEqual({ code: 0, stdout: `${manifest.version}\n`, stderr: '' });
  });

  it('exits 2 on an unknown command, in text and in JSON', async () => {
    const text = await mlp(['frobnicate'], { cwd: temp.path });
    expect(text.code).toBe(2);
    expect(text.stderr).toContain("error [INVALID_ARGUMENT]: Unknown command 'frobnicate'");

    const machine = await mlp(['--json', 'frobnicate'], { cwd: temp.path });
    expect(machine.code).toBe(2);
    expect(json(machine)).toEqual({ ok: false, error: { code: 'INVALID_ARGUMENT', message: expect.stringContaining('frobnicate') } });
  });

  it('reports a command failure as the JSON error shape with the error code’s exit code', async () => {
    const blocker = path.join(temp.path, 'a-file');
    await writeFile(blocker, 'not a folder');
    const result = await mlp(['init', '--json', '-C', blocker], { cwd: temp.path });
    expect(result.code).toBe(2);
    expect(json(result)).toEqual({ ok: false, error: { code: 'INVALID_ARGUMENT', message: expect.stringContaining(blocker) } });
  });

  it('init creates the workspace and its database, and a second init changes nothing', async () => {
    const first = await mlp(['init', '--json', '-C', workspace], { cwd: temp.path });
    expect(first.code, first.stderr).toBe(0);
    expect(jsonConventionViolations(json(first))).toEqual([]);
    expect(json(first)).toMatchObject({
      ok: true,
      workspace,
      already_initialised: false,
      created: expect.arrayContaining(['mlp.config.json', '.mlp/', '.gitignore', '.mlp/db']),
      database: { engine: 'embedded' },
      blobs: { driver: 'fs' },
    });
    const files = ['mlp.config.json', '.gitignore'].map((name) => path.join(workspace, name));
    const contents = await Promise.all(files.map((file) => readFile(file, 'utf8')));
    const mtimes = await Promise.all(files.map(async (file) => (await stat(file)).mtimeMs));
    expect(contents[1]).toBe('.mlp/\n');

    const second = await mlp(['init'], { cwd: workspace }); // the current folder by default, human output
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain(`Already initialised: ${workspace} (nothing changed).`);
    expect(await Promise.all(files.map((file) => readFile(file, 'utf8')))).toEqual(contents);
    expect(await Promise.all(files.map(async (file) => (await stat(file)).mtimeMs))).toEqual(mtimes);
  });

  it('doctor passes on the initialised workspace', async () => {
    const result = await mlp(['doctor', '--json'], { cwd: temp.path, env: { MLP_WORKSPACE: workspace } });
    const report = json(result) as {
      ok: boolean;
      checks: { name: string; ok: boolean; required: boolean; detail: string; info?: Record<string, unknown> }[];
    };
    expect(report.ok, JSON.stringify(report.checks, null, 2)).toBe(true);
    expect(jsonConventionViolations(report)).toEqual([]);
    expect(result.code).toBe(0);
    const byName = Object.fromEntries(report.checks.map((check) => [check.name, check]));
    for (const name of ['node', 'config', 'workspace', 'database', 'migrations', 'blobs'])
      expect(byName[name]).toMatchObject({ ok: true, required: true });
    expect(byName.database?.info).toMatchObject({ engine: 'embedded', server_version: expect.stringMatching(/^PostgreSQL \d+/) });
    expect(byName.database?.detail).toMatch(/^embedded \(127\.0\.0\.1:\d+, .*\): PostgreSQL \d+/); // said once, not "embedded embedded"
    expect(byName.migrations?.detail).toContain('@mlp/core: 1 applied');
    expect(byName['@aws-sdk/client-s3']).toMatchObject({ required: false });

    const human = await mlp(['doctor'], { cwd: workspace });
    expect(human.code, human.stdout + human.stderr).toBe(0);
    expect(human.stdout).toMatch(/^✓ {2}node {2,}v\d+/m);
    expect(human.stdout).toContain('All required checks passed.');
    expect(human.stderr).toBe(''); // a clean run prints no warning (AWS SDK notices, npm config) on stderr
  });

  it('doctor reports an unreachable database with ok:false and exit code 1', async () => {
    const result = await mlp(['doctor', '--json', '-C', workspace], {
      cwd: temp.path,
      env: { MLP_DATABASE_URL: 'postgres://mlp:hunter2@127.0.0.1:1/x' },
    });
    expect(result.code).toBe(1);
    const report = json(result) as { ok: boolean; checks: { name: string; ok: boolean; detail: string }[] };
    expect(report.ok).toBe(false);
    const database = report.checks.find((check) => check.name === 'database');
    expect(database).toMatchObject({ ok: false, detail: expect.stringContaining('ECONNREFUSED') });
    expect(result.stdout).not.toContain('hunter2');
    expect(report.checks.find((check) => check.name === 'blobs')?.ok).toBe(true);
  });

  it('init on an unreachable database fails with UNAVAILABLE (exit 7)', async () => {
    const result = await mlp(['init', '-C', workspace], { cwd: temp.path, env: { MLP_DATABASE_URL: 'postgres://127.0.0.1:1/x' } });
    expect(result.code).toBe(7);
    expect(result.stderr).toContain('error [UNAVAILABLE]: Could not connect to the database');
  });
});
