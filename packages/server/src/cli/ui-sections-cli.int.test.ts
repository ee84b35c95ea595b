import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTempDir, createTestDatabase } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The built `mlp ui` as users start it, in a child process: the sections come from the packages the
// CLI finds installed (their CLI services), not from anything the test hands the server.
const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../cli/dist/bin.js');

function withoutMlpVariables(): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('MLP_')));
}

function run(args: string[], cwd: string, env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd,
      env: { ...withoutMlpVariables(), ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('mlp ui with every package installed', () => {
  let dir: Awaited<ReturnType<typeof createTempDir>>;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let child: ChildProcess | undefined;
  let url: string;

  beforeAll(async () => {
    if (!existsSync(bin)) throw new Error(`${bin} is missing: build first (npm run build).`);
    dir = await createTempDir('mlp-ui-cli-');
    database = await createTestDatabase('mlp_ui_cli');
    const env = { MLP_DATABASE_URL: database.url };
    const init = await run(['init'], dir.path, env);
    expect(init.code, init.stderr).toBe(0);
    const started = spawn(process.execPath, [bin, 'ui', '--port', '0'], {
      cwd: dir.path,
      env: { ...withoutMlpVariables(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = started;
    let stderr = '';
    started.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    // The URL line says it listens; an exit before it fails with what the command printed.
    url = await new Promise<string>((resolve, reject) => {
      let stdout = '';
      started.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const found = /mlp web UI: (http:\/\/\S+?)\/\n/.exec(stdout);
        if (found?.[1]) resolve(found[1]);
      });
      started.on('close', (code) => reject(new Error(`mlp ui exited (${code}) before listening: ${stderr}`)));
    });
  }, 180_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const closed = new Promise((resolve) => child?.once('close', resolve));
      child.kill('SIGTERM');
      await closed;
    }
    await database?.drop();
    await dir?.remove();
  });

  it('lists every section and answers their API on an empty workspace', async () => {
    const pages = (await (await fetch(`${url}/api/ui/pages`)).json()) as { pages: { id: string }[] };
    expect(pages.pages.map((p) => p.id)).toEqual([
      'experiments',
      'datasets',
      'models',
      'lineage',
      'pipelines',
      'deployments',
      'monitoring',
    ]);
    for (const [route, key] of [
      ['datasets', 'datasets'],
      ['models', 'models'],
      ['pipelines', 'runs'],
      ['deployments', 'deployments'],
      ['alerts', 'alerts'],
      ['monitors', 'monitors'],
    ] as const) {
      const response = await fetch(`${url}/api/ui/${route}`);
      expect(response.status, route).toBe(200);
      expect(((await response.json()) as Record<string, unknown[]>)[key], route).toEqual([]);
    }
  });
});
