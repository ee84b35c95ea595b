import { spawn } from 'node:child_process';
import { chmod, mkdir, readdir, readFile, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { md5Hex } from '@mlp/core';
import { createTempDir, type TempDir } from '@mlp/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type DataRepo, openDataRepo } from './data-repo.js';
import { fileError } from './file-hash.js';
import { withProjectLock } from './project-lock.js';
import { workspaceTempPath } from './temp-files.js';
import { errorOf, writeTree } from './test-project.js';

let temp: TempDir;
let root: string;
let repo: DataRepo;

beforeEach(async () => {
  temp = await createTempDir('mlp-data-repo-');
  root = path.join(temp.path, 'project');
  await mkdir(root);
  repo = await openDataRepo({ root, lockWaitMs: 300 });
});
afterEach(async () => {
  await temp.remove();
});

const read = (name: string) => readFile(path.join(root, name), 'utf8');

describe('add', () => {
  it("reproduces DVC's vectors for a file and a folder, with .dvc files, cache objects and .gitignore", async () => {
    await writeTree(root, { foo: 'foo', 'dir/bar': 'bar', 'dir/foo': 'foo' });
    const added = await repo.add(['foo', 'dir']);
    expect(added).toEqual([
      { path: 'foo', md5: 'acbd18db4cc2f85cedef654fccc4a4d8', size: 3 },
      { path: 'dir', md5: '5ea40360f5b4ec688df672a4db9c17d1.dir', size: 6, nfiles: 2 },
    ]);
    expect(await read('foo.dvc')).toBe('outs:\n- md5: acbd18db4cc2f85cedef654fccc4a4d8\n  size: 3\n  hash: md5\n  path: foo\n');
    expect(await read('dir.dvc')).toBe(
      'outs:\n- md5: 5ea40360f5b4ec688df672a4db9c17d1.dir\n  size: 6\n  nfiles: 2\n  hash: md5\n  path: dir\n',
    );
    expect(await read('.gitignore')).toBe('/foo\n/dir\n');
    expect(repo.cachePath('acbd18db4cc2f85cedef654fccc4a4d8')).toBe(
      path.join(root, '.mlp', 'cache', 'files', 'md5', 'ac', 'bd18db4cc2f85cedef654fccc4a4d8'),
    );
    expect(await readFile(repo.cachePath('acbd18db4cc2f85cedef654fccc4a4d8'), 'utf8')).toBe('foo');
    expect(await readFile(repo.cachePath('37b51d194a7513e45b56f6524f2d51f2'), 'utf8')).toBe('bar');
    expect(await readFile(repo.cachePath('5ea40360f5b4ec688df672a4db9c17d1.dir'), 'utf8')).toBe(
      '[{"md5": "37b51d194a7513e45b56f6524f2d51f2", "relpath": "bar"}, {"md5": "acbd18db4cc2f85cedef654fccc4a4d8", "relpath": "foo"}]',
    );
    // Cache objects are read-only, as DVC makes them.
    expect((await stat(repo.cachePath('acbd18db4cc2f85cedef654fccc4a4d8'))).mode & 0o222).toBe(0);
  });

  it('puts the .dvc file and the .gitignore entry next to nested data, and is idempotent', async () => {
    await writeTree(root, { 'data/raw/flights.csv': 'a,b\n1,2\n', 'data/raw/.gitignore': 'keep.me\n' });
    await repo.add(['data/raw/flights.csv']);
    await repo.add(['data/raw/flights.csv']);
    expect(await read('data/raw/flights.csv.dvc')).toContain('  path: flights.csv\n');
    expect(await read('data/raw/.gitignore')).toBe('keep.me\n/flights.csv\n');
  });

  it('keeps unknown keys of an existing .dvc file when the data changes', async () => {
    await writeTree(root, { foo: 'foo' });
    await repo.add(['foo']);
    await writeFile(path.join(root, 'foo.dvc'), `${await read('foo.dvc')}  desc: the foo data\nmeta:\n  owner: ana\n`);
    await writeFile(path.join(root, 'foo'), 'bar');
    await repo.add(['foo']);
    expect(await read('foo.dvc')).toBe(
      'outs:\n- md5: 37b51d194a7513e45b56f6524f2d51f2\n  size: 3\n  hash: md5\n  path: foo\n  desc: the foo data\nmeta:\n  owner: ana\n',
    );
  });

  it('refuses to re-hash a DVC 2 entry, and status reports it as legacy', async () => {
    await writeTree(root, { foo: 'foo\r\n', 'foo.dvc': 'outs:\n- md5: d3b07384d113edec49eaa6238ad5ff00\n  size: 5\n  path: foo\n' });
    const error = await errorOf(repo.add(['foo']));
    expect(error.code).toBe('FAILED_PRECONDITION');
    expect(error.message).toMatch(/foo\.dvc was written by DVC 2/);
    expect(await read('foo.dvc')).not.toContain('hash: md5');
    expect((await repo.status()).entries).toEqual([expect.objectContaining({ path: 'foo', status: ['legacy'] })]);
  });

  it('rejects bad input with MlpErrors naming the path', async () => {
    const missing = await errorOf(repo.add(['nope.csv']));
    expect([missing.code, missing.message]).toEqual(['NOT_FOUND', expect.stringContaining(path.join(root, 'nope.csv'))]);

    await writeFile(path.join(temp.path, 'outside.csv'), 'x');
    const outside = await errorOf(repo.add(['../outside.csv']));
    expect([outside.code, outside.message]).toEqual(['INVALID_ARGUMENT', expect.stringMatching(/outside\.csv is outside the project/)]);

    await mkdir(path.join(root, 'looped'));
    await symlink('.', path.join(root, 'looped', 'again'));
    const loop = await errorOf(repo.add(['looped']));
    expect([loop.code, loop.message]).toEqual(['INVALID_ARGUMENT', expect.stringMatching(/looped\/again is a symbolic link loop/)]);

    await symlink('self', path.join(root, 'self'));
    const selfLoop = await errorOf(repo.add(['self']));
    expect(selfLoop.message).toMatch(/self: it is a symbolic link loop/);

    await writeTree(root, { 'broken.csv': 'x', 'broken.csv.dvc': 'outs: [\n' });
    const broken = await errorOf(repo.add(['broken.csv']));
    expect([broken.code, broken.message]).toEqual([
      'INVALID_ARGUMENT',
      expect.stringMatching(/broken\.csv\.dvc is not a valid \.dvc file: broken YAML/),
    ]);

    await writeTree(root, { 'tracked/a': 'a' });
    await repo.add(['tracked']);
    const inside = await errorOf(repo.add(['tracked/a']));
    expect(inside.message).toMatch(/inside tracked, which is tracked as a whole/);
  });

  it('maps an unreadable file to PERMISSION_DENIED naming it', async () => {
    await writeTree(root, { 'secret.csv': 'x' });
    await chmod(path.join(root, 'secret.csv'), 0o000);
    if (process.getuid?.() !== 0) {
      const denied = await errorOf(repo.add(['secret.csv']));
      expect([denied.code, denied.message]).toEqual(['PERMISSION_DENIED', expect.stringContaining('secret.csv')]);
    }
    // Root reads any file, so the mapping itself is checked too.
    const mapped = fileError(Object.assign(new Error('EACCES'), { code: 'EACCES' }), '/p/secret.csv', 'read');
    expect([mapped.code, mapped.message]).toEqual([
      'PERMISSION_DENIED',
      'Cannot read /p/secret.csv: permission denied (EACCES). Fix its permissions.',
    ]);
  });

  it('holds the project lock: a second writer waits, then fails with CONFLICT naming the lock', async () => {
    await writeTree(root, { foo: 'foo' });
    let release!: () => void;
    let acquired!: () => void;
    const holding = new Promise<void>((resolve) => (acquired = resolve));
    const held = withProjectLock(repo.layout.lockDir, () => {
      acquired();
      return new Promise<void>((resolve) => (release = resolve));
    });
    await holding; // the lock is held now, however long taking it took
    const conflict = await errorOf(repo.add(['foo']));
    expect([conflict.code, conflict.message]).toEqual(['CONFLICT', expect.stringContaining('mlp-data.lock')]);
    release();
    await held;
    expect(await repo.add(['foo'])).toHaveLength(1);
  });
});

describe('status', () => {
  it('is clean after add, then reports modified, deleted and not-in-cache, with the files a folder changed', async () => {
    await writeTree(root, { foo: 'foo', 'dir/a': 'a', 'dir/b': 'b' });
    await repo.add(['foo', 'dir']);
    expect(await repo.status()).toEqual({
      clean: true,
      entries: [expect.objectContaining({ path: 'dir', status: [] }), expect.objectContaining({ path: 'foo', status: [] })],
    });

    await writeTree(root, { 'dir/a': 'A', 'dir/c': 'c' });
    await rm(path.join(root, 'dir', 'b'));
    await rm(path.join(root, 'foo'));
    const report = await repo.status();
    expect(report.clean).toBe(false);
    expect(report.entries).toEqual([
      expect.objectContaining({
        path: 'dir',
        dvcFile: 'dir.dvc',
        status: ['modified'],
        changes: { added: ['c'], modified: ['a'], deleted: ['b'] },
      }),
      expect.objectContaining({ path: 'foo', status: ['deleted'] }),
    ]);
    await rm(repo.cachePath(md5Hex('b')));
    expect((await repo.status(['dir'])).entries[0]?.status).toEqual(['modified', 'not-in-cache']);
  });

  it('trusts the state cache while inode, mtime and size are unchanged, and re-hashes when they change', async () => {
    await writeTree(root, { foo: 'foo' });
    const file = path.join(root, 'foo');
    const fixed = new Date('2026-01-01T00:00:00Z');
    await utimes(file, fixed, fixed);
    await repo.add(['foo']);
    // Same size, same inode, mtime put back: only a state hit can call this unchanged.
    await writeFile(file, 'bar');
    await utimes(file, fixed, fixed);
    expect((await repo.status()).clean).toBe(true);
    await utimes(file, new Date(), new Date());
    expect((await repo.status()).entries[0]?.status).toEqual(['modified']);
  });

  it('reports a .dvc file without a hash as new, and an untracked target as NOT_FOUND', async () => {
    await writeTree(root, { 'x.dvc': 'outs:\n- path: x\n' });
    expect((await repo.status()).entries[0]?.status).toEqual(['new']);
    const error = await errorOf(repo.status(['y']));
    expect([error.code, error.message]).toEqual(['NOT_FOUND', expect.stringMatching(/y is not tracked/)]);
  });
});

describe('checkout', () => {
  it('restores deleted files and folders byte for byte, removing files the version lacks', async () => {
    const blob = Buffer.from(Array.from({ length: 3 * 1024 * 1024 }, (_, index) => (index * 7) % 251));
    await writeTree(root, { 'big.bin': blob, 'dir/a': 'a', 'dir/sub/b': 'b' });
    await repo.add(['big.bin', 'dir']);
    await rm(path.join(root, 'big.bin'));
    await rm(path.join(root, 'dir', 'sub'), { recursive: true });
    await writeTree(root, { 'dir/extra': 'a' }); // content in the cache, so it may go
    const report = await repo.checkout();
    expect(report).toMatchObject({ changed: ['big.bin', 'dir'], unchanged: [], failed: [] });
    expect(Buffer.compare(await readFile(path.join(root, 'big.bin')), blob)).toBe(0);
    expect(await read('dir/sub/b')).toBe('b');
    await expect(stat(path.join(root, 'dir', 'extra'))).rejects.toThrow();
    expect((await repo.status()).clean).toBe(true);
    expect(await repo.checkout()).toMatchObject({ changed: [], unchanged: ['big.bin', 'dir'] });
  });

  it('refuses to overwrite changes that are not in the cache unless forced', async () => {
    await writeTree(root, { foo: 'foo' });
    await repo.add(['foo']);
    await writeFile(path.join(root, 'foo'), 'precious');
    const refused = await repo.checkout(['foo']);
    expect(refused.failed).toEqual([{ path: 'foo', reason: expect.stringMatching(/not in the cache; add it first, or pass --force/) }]);
    expect(await read('foo')).toBe('precious');
    expect((await repo.checkout(['foo'], { force: true })).failed).toEqual([]);
    expect(await read('foo')).toBe('foo');
  });

  it('checks out every good .dvc file when some are broken, and reports each broken one', async () => {
    await writeTree(root, { a: 'a', 'b/x': 'x', c: 'c' });
    await repo.add(['a', 'b', 'c']);
    await rm(path.join(root, 'a'));
    await rm(path.join(root, 'b'), { recursive: true });
    await rm(path.join(root, 'c'));
    await writeFile(path.join(root, 'b.dvc'), 'outs: [\n');
    await writeTree(root, { 'sub/d.dvc': 'outs:\n- md5: nothex\n  path: d\n' });
    const report = await repo.checkout();
    expect(report).toMatchObject({ changed: ['a', 'c'], unchanged: [], files: 2 });
    expect(report.failed).toEqual([
      { path: 'b.dvc', reason: expect.stringContaining('b.dvc is not a valid .dvc file: broken YAML') },
      { path: 'sub/d.dvc', reason: expect.stringContaining('outs[0].md5 "nothex" is not an md5') },
    ]);
    expect([await read('a'), await read('c')]).toEqual(['a', 'c']);
    // Named as targets, the same.
    await rm(path.join(root, 'a'));
    expect(await repo.checkout(['b', 'a'])).toMatchObject({ changed: ['a'], failed: [{ path: 'b.dvc' }] });
  });

  it('skips the temp files of a killed checkout in status and add, and removes them on the next checkout', async () => {
    await writeTree(root, { foo: 'foo', 'dir/sub/a': 'a' });
    const [, dirAdded] = await repo.add(['foo', 'dir']);
    // Named as checkout names its temp files: by a process that has exited, and by this live one.
    const exited = spawn(process.execPath, ['-e', '']);
    const deadPid = await new Promise<number>((resolve) => exited.on('exit', () => resolve(exited.pid as number)));
    const live = path.basename(workspaceTempPath(path.join(root, 'dir', 'sub', 'a')));
    const host = /-([0-9a-f]{8})\.mlp-tmp$/.exec(live)?.[1];
    const dead = (name: string) => `.${name}.${'0'.repeat(16)}-${deadPid}-${host}.mlp-tmp`;
    await writeTree(root, { [`dir/sub/${dead('a')}`]: 'partial', [`dir/sub/${live}`]: 'writing', [dead('foo')]: 'partial' });

    expect((await repo.status()).clean).toBe(true);
    expect((await repo.add(['dir']))[0]?.md5).toBe(dirAdded?.md5);
    await rm(path.join(root, 'foo'));
    await rm(path.join(root, 'dir', 'sub', 'a'));
    expect(await repo.checkout()).toMatchObject({ changed: ['dir', 'foo'], failed: [] });
    expect((await readdir(path.join(root, 'dir', 'sub'))).sort()).toEqual([live, 'a'].sort());
    expect(await readdir(root)).not.toContain(dead('foo'));
  });

  it('links with hardlink when asked', async () => {
    await writeTree(root, { foo: 'foo' });
    await repo.add(['foo']);
    await rm(path.join(root, 'foo'));
    await repo.checkout(['foo'], { link: 'hardlink' });
    expect((await stat(path.join(root, 'foo'))).ino).toBe((await stat(repo.cachePath(md5Hex('foo')))).ino);
  });

  it('never checks out a corrupt cache object: it is reported (and dropped from the cache)', async () => {
    await writeTree(root, { foo: 'foo', 'dir/a': 'a' });
    await repo.add(['foo', 'dir']);
    await rm(path.join(root, 'foo'));
    await rm(path.join(root, 'dir'), { recursive: true });
    for (const md5 of [md5Hex('foo'), md5Hex('a')]) {
      await chmod(repo.cachePath(md5), 0o644);
      await writeFile(repo.cachePath(md5), 'rot');
    }
    const report = await repo.checkout();
    expect(report.failed).toEqual([
      { path: 'dir', reason: expect.stringMatching(/is corrupt/) },
      { path: 'foo', reason: expect.stringMatching(/Cache object acbd18db4cc2f85cedef654fccc4a4d8 .* is corrupt/) },
    ]);
    await expect(stat(path.join(root, 'foo'))).rejects.toThrow();
    await expect(stat(path.join(root, 'dir', 'a'))).rejects.toThrow();
  });
});

describe('gc', () => {
  it('lists unreferenced objects in a dry run and removes them only when told', async () => {
    await writeTree(root, { foo: 'foo' });
    await repo.add(['foo']);
    await writeFile(path.join(root, 'foo'), 'bar');
    await repo.add(['foo']);
    const dry = await repo.gc();
    expect(dry).toEqual({ dryRun: true, removed: [md5Hex('foo')], bytes: 3, kept: 1 });
    expect(await readFile(repo.cachePath(md5Hex('foo')), 'utf8')).toBe('foo');
    expect(await repo.gc({ dryRun: false })).toEqual({ dryRun: false, removed: [md5Hex('foo')], bytes: 3, kept: 1 });
    await expect(stat(repo.cachePath(md5Hex('foo')))).rejects.toThrow();
    expect(await readFile(repo.cachePath(md5Hex('bar')), 'utf8')).toBe('bar');
  });

  it('keeps extra roots it is given (a catalog’s older versions), folders with their files', async () => {
    await writeTree(root, { 'dir/a': 'a', foo: 'foo' });
    const [dir] = await repo.add(['dir']);
    await repo.add(['foo']);
    await rm(path.join(root, 'dir.dvc'));
    await rm(path.join(root, 'foo.dvc'));
    expect((await repo.gc({ keep: [dir?.md5 as string] })).removed).toEqual([md5Hex('foo')]);
    await expect(repo.gc({ keep: ['nope'] })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('refuses when a used folder manifest is missing, rather than deleting its files', async () => {
    await writeTree(root, { 'dir/a': 'a' });
    const [added] = await repo.add(['dir']);
    await rm(repo.cachePath(added?.md5 as string));
    const error = await errorOf(repo.gc({ dryRun: false }));
    expect(error.message).toMatch(/is not in the cache, so gc cannot tell/);
    expect(await readFile(repo.cachePath(md5Hex('a')), 'utf8')).toBe('a');
  });
});
