import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createTempDir, createTestDatabase, type TempDir, type TestDatabase } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { USAGE_EXIT_CODE } from './cli-failure.js';
import { coreCommands } from './commands/core-commands.js';
import { parseJsonOutput } from './run-cli-captured.js';
import { workspaceCli } from './workspace-cli.js';

// The helper packages' int tests run `mlp` with: the built command in a child process, or the modules
// in this process, on one workspace and its real PostgreSQL database.
let temp: TempDir;
let database: TestDatabase;
const manifest = JSON.parse(await readFile(path.resolve(import.meta.dirname, '../package.json'), 'utf8')) as { version: string };

beforeAll(async () => {
  temp = await createTempDir('mlp-workspace-cli-');
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
  await temp?.remove();
});

describe('workspaceCli', () => {
  for (const how of ['built', 'in-process'] as const) {
    it(`runs mlp ${how} on the workspace's database, never the host's MLP_* settings, with mlp's exit codes`, async () => {
      const previous = process.env.MLP_DATABASE_URL;
      // A host setting that would fail every command if it leaked in.
      process.env.MLP_DATABASE_URL = 'postgres://nobody@127.0.0.1:1/nothing';
      try {
        const mlp = workspaceCli({
          dir: temp.path,
          databaseUrl: database.url,
          ...(how === 'in-process' ? { modules: [coreCommands] } : {}),
        });
        expect(await mlp('--version')).toEqual({ code: 0, stdout: `${manifest.version}\n`, stderr: '' });
        const doctor = await mlp('--json', 'doctor');
        const report = parseJsonOutput<{ checks: { name: string; ok: boolean; detail: string }[] }>(doctor);
        expect(report.checks.find((check) => check.name === 'database')).toMatchObject({ ok: true });
        expect((await mlp('no-such-command')).code).toBe(USAGE_EXIT_CODE);
      } finally {
        if (previous === undefined) delete process.env.MLP_DATABASE_URL;
        else process.env.MLP_DATABASE_URL = previous;
      }
    });
  }
});
