import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { coreMigrations, createSilentLogger, type Database, resolveConfig } from '@mlp/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkDatabase, checkMigrations } from '../doctor/database-checks.js';
import { checkConfig, checkNode } from '../doctor/environment-checks.js';
import { checkOptionalBackends, findInstalledPackage, optionalBackends } from '../doctor/optional-backends.js';
import { runDoctor } from '../doctor/run-doctor.js';
import { migrationTables } from '../doctor/tables-check.js';
import { renderTable } from '../output.js';
import { doctorTable } from './doctor.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'mlp-doctor-unit-'));
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe('checkNode', () => {
  it('passes from Node 20 and fails before', () => {
    expect(checkNode('20.0.0').ok).toBe(true);
    expect(checkNode('22.3.1').ok).toBe(true);
    expect(checkNode('18.19.0')).toMatchObject({ ok: false, required: true, detail: expect.stringContaining('Node.js 20 or newer') });
  });
});

describe('checkConfig', () => {
  it('accepts a workspace without a config file, on defaults', () => {
    const { check, config } = checkConfig(root, {});
    expect(check).toMatchObject({ name: 'config', ok: true, detail: expect.stringContaining('defaults in use') });
    expect(config?.database.url).toBe('embedded');
  });

  it('reports a config file that is not valid JSON', async () => {
    await writeFile(path.join(root, 'mlp.config.json'), '{ nope');
    const { check, config } = checkConfig(root, {});
    expect(check).toMatchObject({ ok: false, detail: expect.stringContaining('not valid JSON') });
    expect(config).toBeUndefined();
  });

  it('reports a bad MLP_DATABASE_URL', () => {
    expect(checkConfig(root, { MLP_DATABASE_URL: 'mysql://x' }).check).toMatchObject({
      ok: false,
      detail: expect.stringContaining('MLP_DATABASE_URL'),
    });
  });
});

describe('checkDatabase', () => {
  it('reports an unreachable server with the reason instead of throwing', async () => {
    const { config } = resolveConfig({ dir: root, env: { MLP_DATABASE_URL: 'postgres://mlp:secret@127.0.0.1:1/x' } });
    const { check, db } = await checkDatabase(config, createSilentLogger());
    expect(db).toBeUndefined();
    expect(check).toMatchObject({ name: 'database', ok: false, required: true });
    expect(check.detail).toContain('ECONNREFUSED');
    expect(check.detail).not.toContain('secret');
  });

  it('does not create an embedded database that is missing, and says to run mlp init', async () => {
    const { config } = resolveConfig({ dir: root, env: {} });
    const { check } = await checkDatabase(config, createSilentLogger());
    expect(check).toMatchObject({ ok: false, detail: expect.stringContaining('mlp init') });
  });
});

describe('checkMigrations', () => {
  const fakeDb = (rows: { id: string; checksum: string }[] | Error) =>
    ({
      query: async () => {
        if (rows instanceof Error) throw rows;
        return rows;
      },
    }) as unknown as Database;

  it('lists pending migrations and fails', async () => {
    const check = await checkMigrations(fakeDb(Object.assign(new Error('no table'), { code: '42P01' })), [coreMigrations]);
    expect(check).toMatchObject({ ok: false, detail: expect.stringContaining('0000_events') });
    expect(check.detail).toContain('mlp init');
  });

  it('reports a database changed under the code', async () => {
    const check = await checkMigrations(fakeDb([{ id: '9999_future', checksum: 'x' }]), [coreMigrations]);
    expect(check).toMatchObject({ ok: false, detail: expect.stringContaining('newer version') });
  });
});

describe('migrationTables', () => {
  it('lists the tables each package creates and has not dropped since, with the migrations ledger', () => {
    const set = {
      package: '@mlp/x',
      migrations: [
        { id: '0000_a', sql: 'CREATE TABLE "x_runs" (id text);\nCREATE TABLE IF NOT EXISTS x_old (id text);' },
        { id: '0001_b', sql: 'DROP TABLE "x_old" CASCADE;' },
      ],
    };
    expect(migrationTables([set])).toEqual([
      { package: 'mlp', table: 'mlp_migrations' },
      { package: '@mlp/x', table: 'x_runs' },
    ]);
    expect(migrationTables([coreMigrations]).map((entry) => entry.table)).toEqual(['mlp_migrations', 'mlp_event_consumers', 'mlp_events']);
  });
});

describe('optional backends', () => {
  it('finds a package by walking node_modules upwards, reading its version', async () => {
    await mkdir(path.join(root, 'node_modules', '@scope', 'pkg'), { recursive: true });
    await writeFile(path.join(root, 'node_modules', '@scope', 'pkg', 'package.json'), '{"version":"1.2.3"}');
    const nested = path.join(root, 'a', 'b');
    await mkdir(nested, { recursive: true });
    expect(findInstalledPackage('@scope/pkg', [nested])).toEqual({
      version: '1.2.3',
      dir: path.join(root, 'node_modules', '@scope', 'pkg'),
    });
    expect(findInstalledPackage('@scope/absent', [nested])).toBeUndefined();
  });

  it('reports every optional backend, none of them required', async () => {
    const checks = checkOptionalBackends([root]);
    expect(checks.map((check) => check.name)).toEqual(optionalBackends.map((backend) => backend.name));
    expect(checks.every((check) => !check.required)).toBe(true);
  });

  it('lists only backends a shipped package loads: tfjs-core for training, nothing planned', () => {
    const names = optionalBackends.map((backend) => backend.name);
    expect(names).toContain('@tensorflow/tfjs-core');
    expect(names).not.toContain('@tensorflow/tfjs');
    expect(names).not.toContain('@kubernetes/client-node');
    expect(names).not.toContain('prom-client');
  });
});

describe('runDoctor', () => {
  it('fails on a bad configuration without crashing, skipping the checks that need it', async () => {
    const report = await runDoctor({
      dir: root,
      env: { MLP_DATABASE_URL: 'sqlite://x' },
      logger: createSilentLogger(),
      migrations: [coreMigrations],
    });
    expect(report.ok).toBe(false);
    const byName = Object.fromEntries(report.checks.map((check) => [check.name, check]));
    expect(byName.config?.ok).toBe(false);
    expect(byName.database?.detail).toContain('not checked');
    expect(byName.node?.ok).toBe(true);
  });

  it('fails when the workspace folder does not exist', async () => {
    const report = await runDoctor({
      dir: path.join(root, 'missing'),
      env: {},
      logger: createSilentLogger(),
      migrations: [coreMigrations],
    });
    expect(report.ok).toBe(false);
    expect(report.checks.find((check) => check.name === 'workspace')?.detail).toContain('mlp init');
  });
});

describe('doctorTable', () => {
  it('marks passed, failed and optional-absent checks and sums up', () => {
    const table = doctorTable({
      ok: false,
      workspace: '/w',
      checks: [
        { name: 'node', ok: true, required: true, detail: 'v20' },
        { name: 'database', ok: false, required: true, detail: 'unreachable' },
        { name: 'prom-client', ok: false, required: false, detail: 'not installed' },
      ],
    });
    expect(renderTable(table).split('\n')).toEqual([
      '✓  node         v20',
      '✗  database     unreachable',
      '-  prom-client  not installed',
      '',
      '1 required check failed.',
    ]);
  });
});
