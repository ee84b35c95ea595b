import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createSilentLogger, MlpError, type Workspace } from '@mlp/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliContext } from '../command-module.js';
import { createProgressDisplay } from '../progress-display.js';
import { formatInitResult, initialConfig, initWorkspace } from './init.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'mlp-init-unit-'));
});
afterEach(() => rm(root, { recursive: true, force: true }));

/** A context whose workspace is a stand-in: these tests cover the files; the integration test covers the database. */
function fakeContext(dir: string, opened: string[] = []): CliContext {
  const workspace = {
    db: { engine: 'postgres', displayUrl: 'postgres://mlp:***@db/mlp' },
    blobs: { driver: 'fs', location: path.join(dir, '.mlp/blobs') },
  };
  return {
    options: { json: false, workspace: dir, logLevel: undefined },
    workspaceDir: dir,
    env: {},
    logger: createSilentLogger(),
    migrations: [],
    openWorkspace: async () => {
      opened.push(dir);
      return workspace as unknown as Workspace;
    },
    output: () => {},
    progress: () => {},
    display: createProgressDisplay({ stream: { write: () => true }, enabled: () => false }),
    fail: (error: unknown) => {
      throw error;
    },
    setExitCode: () => {},
    service: async () => undefined,
    closeAfter: (resource) => resource,
  };
}

describe('initWorkspace', () => {
  it('creates the folder, the config file, .mlp/ and .gitignore, and opens the workspace', async () => {
    const dir = path.join(root, 'a', 'b');
    const opened: string[] = [];
    const result = await initWorkspace(fakeContext(dir, opened));
    expect(result).toMatchObject({
      ok: true,
      workspace: dir,
      created: [dir, 'mlp.config.json', '.mlp/', '.gitignore'],
      updated: [],
      alreadyInitialised: false,
    });
    expect(JSON.parse(await readFile(path.join(dir, 'mlp.config.json'), 'utf8'))).toEqual(initialConfig);
    expect(await readFile(path.join(dir, '.gitignore'), 'utf8')).toBe('.mlp/\n');
    expect((await stat(path.join(dir, '.mlp'))).isDirectory()).toBe(true);
    expect(opened).toEqual([dir]);
  });

  it('changes nothing the second time', async () => {
    const dir = path.join(root, 'ws');
    await initWorkspace(fakeContext(dir));
    const before = await Promise.all(['mlp.config.json', '.gitignore'].map((file) => stat(path.join(dir, file))));
    const second = await initWorkspace(fakeContext(dir));
    expect(second).toMatchObject({ created: [], updated: [], alreadyInitialised: true });
    const after = await Promise.all(['mlp.config.json', '.gitignore'].map((file) => stat(path.join(dir, file))));
    expect(after.map((s) => s.mtimeMs)).toEqual(before.map((s) => s.mtimeMs));
  });

  it('keeps an existing config file as it is', async () => {
    const custom = '{ "database": { "url": "postgres://db/mlp" } }\n';
    await writeFile(path.join(root, 'mlp.config.json'), custom);
    const result = await initWorkspace(fakeContext(root));
    expect(result.created).not.toContain('mlp.config.json');
    expect(await readFile(path.join(root, 'mlp.config.json'), 'utf8')).toBe(custom);
  });

  it('appends .mlp/ once to a .gitignore that lacks it, adding a missing final newline', async () => {
    await writeFile(path.join(root, '.gitignore'), 'node_modules');
    expect((await initWorkspace(fakeContext(root))).updated).toEqual(['.gitignore']);
    expect((await initWorkspace(fakeContext(root))).updated).toEqual([]);
    expect(await readFile(path.join(root, '.gitignore'), 'utf8')).toBe('node_modules\n.mlp/\n');
  });

  it.each(['/.mlp', '.mlp', '/.mlp/', '  .mlp/  '])('leaves a .gitignore that already has %j', async (line) => {
    await writeFile(path.join(root, '.gitignore'), `dist/\n${line}\n`);
    const result = await initWorkspace(fakeContext(root));
    expect(result.updated).toEqual([]);
    expect(await readFile(path.join(root, '.gitignore'), 'utf8')).toBe(`dist/\n${line}\n`);
  });

  it('fails with INVALID_ARGUMENT when a file is where the folder should be', async () => {
    const file = path.join(root, 'file');
    await writeFile(file, 'x');
    const error = await initWorkspace(fakeContext(file)).catch((caught: unknown) => caught);
    expect(MlpError.isInstance(error) && error.code).toBe('INVALID_ARGUMENT');
  });
});

describe('formatInitResult', () => {
  it('lists what was created, or says nothing changed', () => {
    const base = {
      ok: true as const,
      workspace: '/w',
      database: { engine: 'embedded', url: 'embedded (x)' },
      blobs: { driver: 'fs', location: '/w/.mlp/blobs' },
    };
    const fresh = formatInitResult({ ...base, created: ['mlp.config.json'], updated: ['.gitignore'], alreadyInitialised: false });
    expect(fresh).toContain('created  mlp.config.json');
    expect(fresh).toContain('updated  .gitignore');
    expect(fresh).toContain('Database: embedded (x)');
    const again = formatInitResult({ ...base, created: [], updated: [], alreadyInitialised: true });
    expect(again).toContain('Already initialised: /w (nothing changed).');
  });
});
