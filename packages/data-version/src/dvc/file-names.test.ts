import { writeFileSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createTempDir, type TempDir } from '@mlp/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { openDataRepo } from './data-repo.js';
import { manifestId, serializeManifest } from './dir-manifest.js';
import { errorOf, writeTree } from './test-project.js';
import { decodeFileName } from './walk-files.js';

let temp: TempDir | undefined;
afterEach(async () => {
  await temp?.remove();
});

const bytes = (...parts: Array<string | number[]>) =>
  Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : Buffer.from(part))));

describe('file names that are not UTF-8', () => {
  it("decode as Python's surrogateescape does (the text DVC would record)", () => {
    expect(decodeFileName(bytes('caf', [0xe9], '.csv'))).toEqual({ name: 'caf\udce9.csv', utf8: false });
    // An encoded surrogate and an overlong form are not UTF-8 to Python either: every byte is escaped.
    expect(decodeFileName(bytes([0xed, 0xa0, 0x80]))).toEqual({ name: '\udced\udca0\udc80', utf8: false });
    expect(decodeFileName(bytes([0xc0, 0xaf], 'x'))).toEqual({ name: '\udcc0\udcafx', utf8: false });
    // A truncated sequence followed by text.
    expect(decodeFileName(bytes([0xe2, 0x82], 'A'))).toEqual({ name: '\udce2\udc82A', utf8: false });
    expect(decodeFileName(bytes('😀 é ', [0xff]))).toEqual({ name: '😀 é \udcff', utf8: false });
    expect(decodeFileName(bytes('plain é 😀'))).toEqual({ name: 'plain é 😀', utf8: true });
  });

  it('are refused by add with a message saying what to do (not NOT_FOUND), and can be left out by .dvcignore', async () => {
    temp = await createTempDir('mlp-names-');
    const root = path.join(temp.path, 'project');
    await mkdir(root);
    await writeTree(root, { 'dir/bar': 'bar', 'dir/foo': 'foo' });
    writeFileSync(bytes(root, '/dir/caf', [0xe9], '.latin1'), 'x');
    const repo = await openDataRepo({ root, lockWaitMs: 300 });
    const error = await errorOf(repo.add(['dir']));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain('caf\\xe9.latin1 is not valid UTF-8');
    expect(error.message).toContain('.dvcignore');
    await writeFile(path.join(root, '.dvcignore'), '*.latin1\n');
    expect(await repo.add(['dir'])).toEqual([{ path: 'dir', md5: '5ea40360f5b4ec688df672a4db9c17d1.dir', size: 6, nfiles: 2 }]);
  });
});

describe('a manifest DVC wrote with a name that is not UTF-8', () => {
  it('is refused by checkout instead of writing the file under another name', async () => {
    temp = await createTempDir('mlp-names-checkout-');
    const root = path.join(temp.path, 'project');
    await mkdir(root);
    const repo = await openDataRepo({ root, lockWaitMs: 300 });
    // What DVC records for a folder holding caf\xe9.csv: relpath "caf\udce9.csv" (surrogateescape).
    const manifest = serializeManifest([{ md5: 'acbd18db4cc2f85cedef654fccc4a4d8', relpath: 'caf\udce9.csv' }]);
    expect(manifest.toString('latin1')).toContain('"relpath": "caf\\udce9.csv"');
    const id = manifestId(manifest);
    await mkdir(path.dirname(repo.cachePath(id)), { recursive: true });
    await writeFile(repo.cachePath(id), manifest);
    await writeTree(root, { foo: 'foo' });
    await repo.add(['foo']); // puts the file's object in the cache
    await writeFile(path.join(root, 'dir.dvc'), `outs:\n- md5: ${id}\n  size: 3\n  nfiles: 1\n  hash: md5\n  path: dir\n`);
    const report = await repo.checkout(['dir']);
    expect(report.failed).toEqual([{ path: 'dir', reason: expect.stringContaining('whose name is not UTF-8') }]);
    expect(await readdir(root)).not.toContain('dir');
  });
});
