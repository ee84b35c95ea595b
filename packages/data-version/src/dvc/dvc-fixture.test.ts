import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createTempDir, type TempDir } from '@mlp/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDataRepo } from './data-repo.js';
import { writeTree } from './test-project.js';

// A project and a remote laid out byte for byte as DVC 3 leaves them after `dvc init`, `dvc add foo dir`,
// `dvc remote add -d storage ../remote` and `dvc push` (facts from DVC's sources and its own test vectors),
// written here by hand: mlp must read them without having written any of it.
let temp: TempDir;
let root: string;

beforeEach(async () => {
  temp = await createTempDir('mlp-dvc-fixture-');
  root = path.join(temp.path, 'project');
  await writeTree(root, {
    '.dvc/config': '[core]\n    remote = storage\n[\'remote "storage"\']\n    url = ../../remote\n',
    '.dvc/.gitignore': '/config.local\n/tmp\n/cache\n',
    '.gitignore': '/foo\n/dir\n',
    'foo.dvc': 'outs:\n- md5: acbd18db4cc2f85cedef654fccc4a4d8\n  size: 3\n  hash: md5\n  path: foo\n',
    'dir.dvc': 'outs:\n- md5: 5ea40360f5b4ec688df672a4db9c17d1.dir\n  size: 6\n  nfiles: 2\n  hash: md5\n  path: dir\n',
  });
  await writeTree(path.join(temp.path, 'remote'), {
    'files/md5/ac/bd18db4cc2f85cedef654fccc4a4d8': 'foo',
    'files/md5/37/b51d194a7513e45b56f6524f2d51f2': 'bar',
    'files/md5/5e/a40360f5b4ec688df672a4db9c17d1.dir':
      '[{"md5": "37b51d194a7513e45b56f6524f2d51f2", "relpath": "bar"}, {"md5": "acbd18db4cc2f85cedef654fccc4a4d8", "relpath": "foo"}]',
  });
});
afterEach(async () => {
  await temp.remove();
});

describe('a project DVC wrote', () => {
  it('is pulled from its DVC remote into DVC’s cache, and is then clean', async () => {
    const repo = await openDataRepo({ root });
    expect(repo.layout.kind).toBe('dvc');
    expect(await repo.remotes.list()).toEqual([{ name: 'storage', url: '../../remote', default: true }]);
    const pulled = await repo.pull();
    expect(pulled).toMatchObject({
      remote: 'storage',
      transferred: 3,
      failed: [],
      missing: [],
      checkout: { changed: ['dir', 'foo'], failed: [] },
    });
    expect(await readFile(path.join(root, 'foo'), 'utf8')).toBe('foo');
    expect(await readFile(path.join(root, 'dir', 'bar'), 'utf8')).toBe('bar');
    expect(await readFile(path.join(root, '.dvc', 'cache', 'files', 'md5', '5e', 'a40360f5b4ec688df672a4db9c17d1.dir'), 'utf8')).toContain(
      '"relpath": "bar"',
    );
    expect((await repo.status()).clean).toBe(true);
  });

  it('re-adding unchanged data leaves DVC’s files byte-identical', async () => {
    const repo = await openDataRepo({ root });
    await repo.pull();
    const before = await Promise.all(['foo.dvc', 'dir.dvc', '.gitignore'].map((name) => readFile(path.join(root, name), 'utf8')));
    await repo.add(['foo', 'dir']);
    const after = await Promise.all(['foo.dvc', 'dir.dvc', '.gitignore'].map((name) => readFile(path.join(root, name), 'utf8')));
    expect(after).toEqual(before);
  });

  it('pushes a new version into the DVC remote in its layout', async () => {
    const repo = await openDataRepo({ root });
    await repo.pull();
    await mkdir(path.join(root, 'dir', 'sub'));
    await writeFile(path.join(root, 'dir', 'sub', 'baz'), 'baz');
    const [entry] = await repo.add(['dir']);
    expect(entry).toMatchObject({ size: 9, nfiles: 3 });
    expect(await repo.push()).toMatchObject({ transferred: 2, skipped: 2 });
    const id = entry?.md5 as string;
    expect(await readFile(path.join(temp.path, 'remote', 'files', 'md5', id.slice(0, 2), id.slice(2)), 'utf8')).toBe(
      '[{"md5": "37b51d194a7513e45b56f6524f2d51f2", "relpath": "bar"}, {"md5": "acbd18db4cc2f85cedef654fccc4a4d8", "relpath": "foo"}, {"md5": "73feffa4b7f6bb68e44cf984c85f6e88", "relpath": "sub/baz"}]',
    );
  });
});
