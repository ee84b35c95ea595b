import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MigrationSet, MlpError, openWorkspace } from '../src/index.js';
import { createTempDir, type TempDir } from '../src/testing/temp-dir.js';
import { createTestDatabase } from '../src/testing/test-database.js';

let dir: TempDir;
beforeEach(async () => {
  dir = await createTempDir('mlp-open-');
});
afterEach(async () => {
  await dir.remove();
});

async function failureOf(promise: Promise<unknown>): Promise<MlpError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!MlpError.isInstance(error)) throw new Error(`expected an MlpError, got ${String(error)}`);
  return error;
}

const packageMigrations: MigrationSet = {
  package: '@mlp/example',
  migrations: [{ id: '0000_init', sql: 'create table example_items (id serial primary key, name text not null);' }],
};

describe('openWorkspace', () => {
  it('opens on the embedded default: creates .mlp, migrates, stores blobs under .mlp/blobs, and closes everything', async () => {
    const workspace = await openWorkspace({ dir: dir.path, logLevel: 'silent', migrations: [packageMigrations] });
    expect(workspace.db.engine).toBe('embedded');
    const ledger = await workspace.db.query<{ package: string; id: string }>('select package, id from mlp_migrations order by package, id');
    expect(ledger).toEqual([
      { package: '@mlp/core', id: '0000_events' },
      { package: '@mlp/example', id: '0000_init' },
    ]);
    await workspace.blobs.put('a/b.txt', 'hello');
    expect(existsSync(path.join(dir.path, '.mlp', 'blobs', 'a', 'b.txt'))).toBe(true);
    // A full pool: its connections are still closing when close() decides whether to stop the server.
    await Promise.all(Array.from({ length: 10 }, () => workspace.db.query('select pg_sleep(0.02)')));
    await workspace.close();
    await workspace.close();
    expect(existsSync(path.join(dir.path, '.mlp', 'db', 'postmaster.pid'))).toBe(false);
    await expect(workspace.db.query('select 1')).rejects.toThrow();
  });

  it('reopens an existing workspace with its data', async () => {
    const first = await openWorkspace({ dir: dir.path, logLevel: 'silent', migrations: [packageMigrations] });
    await first.db.query("insert into example_items (name) values ('kept')");
    await first.close();
    const again = await openWorkspace({ dir: dir.path, logLevel: 'silent', migrations: [packageMigrations] });
    expect(await again.db.query('select name from example_items')).toEqual([{ name: 'kept' }]);
    await again.close();
  });

  it('uses a PostgreSQL server from the URL, with package migrations and a memory blob store', async () => {
    const database = await createTestDatabase();
    try {
      const workspace = await openWorkspace({
        dir: dir.path,
        logLevel: 'silent',
        database: { url: database.url },
        blobs: { url: 'memory://' },
      });
      expect(workspace.db.engine).toBe('postgres');
      expect(workspace.blobs.driver).toBe('memory');
      await workspace.migrate(packageMigrations);
      await workspace.migrate(packageMigrations);
      const [row] = await workspace.db.query<{ n: number }>("select count(*)::int as n from mlp_migrations where package = '@mlp/example'");
      expect(row?.n).toBe(1);
      await workspace.close();
    } finally {
      await database.drop();
    }
  });

  it('rejects a malformed mlp.config.json, naming the file and the path, and creates nothing', async () => {
    writeFileSync(path.join(dir.path, 'mlp.config.json'), JSON.stringify({ database: { url: 42 } }));
    const error = await failureOf(openWorkspace({ dir: dir.path, logLevel: 'silent' }));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain('mlp.config.json');
    expect(error.message).toContain('database.url');
    expect(existsSync(path.join(dir.path, '.mlp'))).toBe(false);
  });

  it('rejects an invalid MLP_* value and creates nothing', async () => {
    const error = await failureOf(openWorkspace({ dir: dir.path, env: { MLP_DATABASE_URL: 'mysql://x' } }));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain('MLP_DATABASE_URL');
    expect(existsSync(path.join(dir.path, '.mlp'))).toBe(false);
  });

  it('explains an unreachable database URL and removes the .mlp it created', async () => {
    const error = await failureOf(
      openWorkspace({ dir: dir.path, logLevel: 'silent', database: { url: 'postgres://mlp:secret@127.0.0.1:1/nowhere' } }),
    );
    expect(error.code).toBe('UNAVAILABLE');
    expect(error.message).toContain('postgres://mlp:***@127.0.0.1:1/nowhere');
    expect(error.message).not.toContain('secret');
    expect(error.message).toMatch(/MLP_DATABASE_URL/);
    expect(existsSync(path.join(dir.path, '.mlp'))).toBe(false);
  });

  it('keeps a .mlp folder that existed before a failed open', async () => {
    mkdirSync(path.join(dir.path, '.mlp'));
    await failureOf(openWorkspace({ dir: dir.path, logLevel: 'silent', database: { url: 'postgres://127.0.0.1:1/x' } }));
    expect(existsSync(path.join(dir.path, '.mlp'))).toBe(true);
  });

  it('reports a missing workspace folder as NOT_FOUND', async () => {
    const error = await failureOf(openWorkspace({ dir: path.join(dir.path, 'absent') }));
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toContain('mlp init');
  });

  it('reports a workspace folder without write permission as PERMISSION_DENIED', () => {
    // Root ignores permissions, so under root the open runs as `nobody`; otherwise the folder is made read-only.
    const asRoot = process.getuid?.() === 0;
    if (!asRoot) spawnSync('chmod', ['0555', dir.path]);
    const ids = asRoot
      ? { uid: Number(spawnSync('id', ['-u', 'nobody']).stdout), gid: Number(spawnSync('id', ['-g', 'nobody']).stdout) }
      : {};
    const result = spawnSync(
      process.execPath,
      ['--conditions=@mlp/source', '--import', 'tsx', path.join(import.meta.dirname, 'fixtures', 'open-workspace.ts'), dir.path],
      {
        encoding: 'utf8',
        cwd: path.join(import.meta.dirname, '..'),
        env: { ...process.env, TSX_DISABLE_CACHE: '1', HOME: dir.path },
        ...ids,
      },
    );
    if (!asRoot) spawnSync('chmod', ['0755', dir.path]);
    const outcome = JSON.parse(result.stdout || JSON.stringify({ stderr: result.stderr }));
    expect(outcome).toMatchObject({ ok: false, mlp: true, code: 'PERMISSION_DENIED' });
    expect(outcome.message).toContain('not writable');
    expect(existsSync(path.join(dir.path, '.mlp'))).toBe(false);
  });
});
