import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createTempDir, type TempDir } from '@mlp/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { openDataRepo } from './data-repo.js';
import { manifestId, serializeManifest } from './dir-manifest.js';
import { decodeFileName, encodeFileName, osPath, shownFileName } from './os-path.js';
import { errorOf, writeTree } from './test-project.js';

let temp: TempDir | undefined;
afterEach(async () => {
  await temp?.remove();
});

const bytes = (...parts: Array<string | number[]>) =>
  Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : Buffer.from(part))));

describe('file names that are not UTF-8', () => {
  it("decode as Python's surrogateescape does (the text DVC would record), and encode back to the same bytes", () => {
    expect(decodeFileName(bytes('caf', [0xe9], '.csv'))).toEqual({ name: 'caf\udce9.csv', utf8: false });
    // An encoded surrogate and an overlong form are not UTF-8 to Python either: every byte is escaped.
    expect(decodeFileName(bytes([0xed, 0xa0, 0x80]))).toEqual({ name: '\udced\udca0\udc80', utf8: false });
    expect(decodeFileName(bytes([0xc0, 0xaf], 'x'))).toEqual({ name: '\udcc0\udcafx', utf8: false });
    // A truncated sequence followed by text.
    expect(decodeFileName(bytes([0xe2, 0x82], 'A'))).toEqual({ name: '\udce2\udc82A', utf8: false });
    expect(decodeFileName(bytes('😀 é ', [0xff]))).toEqual({ name: '😀 é \udcff', utf8: false });
    expect(decodeFileName(bytes('plain é 😀'))).toEqual({ name: 'plain é 😀', utf8: true });
    const names = [
      bytes('caf', [0xe9], '.csv'),
      bytes([0xed, 0xa0, 0x80]),
      bytes('😀 é ', [0xff]),
      bytes([0x80, 0xff, 0xfe]),
      bytes('plain'),
    ];
    for (const name of names) expect(encodeFileName(decodeFileName(name).name)).toEqual(name);
    // A lone surrogate no byte escapes to names no file.
    expect(encodeFileName('a\ud800b')).toBeUndefined();
    expect(encodeFileName('x\udc7f')).toBeUndefined();
    expect(osPath('plain/é/😀')).toBe('plain/é/😀');
    expect(osPath('dir/caf\udce9.csv')).toEqual(bytes('dir/caf', [0xe9], '.csv'));
    expect(shownFileName('dir/caf\udce9.csv')).toBe('dir/caf\\xe9.csv');
  });

  it('round-trip through add, status and checkout, with the manifest bytes DVC writes', async () => {
    temp = await createTempDir('mlp-names-');
    const root = path.join(temp.path, 'project');
    const dir = path.join(root, 'dir');
    await mkdir(path.join(root, 'dir'), { recursive: true });
    const fileNames = {
      latin1: bytes(dir, '/caf', [0xe9], '.csv'),
      folder: bytes(dir, '/d', [0xff]),
      inFolder: bytes(dir, '/d', [0xff], '/inner.txt'),
      escaped: bytes(dir, '/x', [0xe9]),
      astral: bytes(dir, '/x😀'),
    };
    await mkdir(fileNames.folder);
    writeFileSync(fileNames.latin1, 'foo');
    writeFileSync(fileNames.inFolder, 'bar');
    writeFileSync(fileNames.escaped, 'x1');
    writeFileSync(fileNames.astral, 'x2');
    await writeFile(path.join(dir, 'plain.txt'), 'plain');
    const repo = await openDataRepo({ root, lockWaitMs: 300 });

    // What DVC 3 records for this folder, produced by Python with dvc_data's own call
    // (json.dumps(tree.as_list(), sort_keys=True) over os.walk's surrogateescape names): a lone
    // surrogate sorts by code point, before the astral character's pair.
    const dvcManifest =
      '[{"md5": "acbd18db4cc2f85cedef654fccc4a4d8", "relpath": "caf\\udce9.csv"}, ' +
      '{"md5": "37b51d194a7513e45b56f6524f2d51f2", "relpath": "d\\udcff/inner.txt"}, ' +
      '{"md5": "ac7938d40cfc2307e2bf325d28e7884e", "relpath": "plain.txt"}, ' +
      '{"md5": "6dbf9ac2da09ee1d3debf5a51873ec6d", "relpath": "x\\udce9"}, ' +
      '{"md5": "8e683187a00e5d462a4aeee69e9d3d9c", "relpath": "x\\ud83d\\ude00"}]';
    const id = '2f6f494d246a92e00dd4282acec8d760.dir';
    expect(await repo.add(['dir'])).toEqual([{ path: 'dir', md5: id, size: 15, nfiles: 5 }]);
    expect((await readFile(repo.cachePath(id))).toString('latin1')).toBe(dvcManifest);
    expect(await readFile(path.join(root, 'dir.dvc'), 'utf8')).toContain(`- md5: ${id}\n  size: 15\n  nfiles: 5\n`);
    expect((await repo.status()).clean).toBe(true);

    writeFileSync(fileNames.latin1, 'changed');
    const modified = await repo.status();
    expect(modified.entries[0]).toMatchObject({ status: ['modified'], changes: { added: [], modified: ['caf\udce9.csv'], deleted: [] } });

    // Checkout writes the names back byte for byte, from the manifest alone.
    await rm(dir, { recursive: true });
    const report = await repo.checkout(['dir'], { force: true });
    expect(report).toMatchObject({ failed: [], files: 5 });
    expect(readdirSync(Buffer.from(dir), { encoding: 'buffer' }).sort(Buffer.compare)).toEqual(
      [bytes('caf', [0xe9], '.csv'), bytes('d', [0xff]), bytes('plain.txt'), bytes('x', [0xe9]), bytes('x😀')].sort(Buffer.compare),
    );
    expect(readFileSync(fileNames.latin1, 'utf8')).toBe('foo');
    expect(readFileSync(fileNames.inFolder, 'utf8')).toBe('bar');
    expect((await repo.status()).clean).toBe(true);

    // A file the version lacks, named in bytes, is removed by checkout like any other.
    writeFileSync(bytes(dir, '/d', [0xff], '/extra', [0xfe]), 'foo');
    expect((await repo.checkout(['dir'])).changed).toEqual(['dir']);
    expect(readdirSync(fileNames.folder, { encoding: 'buffer' })).toEqual([bytes('inner.txt')]);
  });

  it('are tracked inside a folder only: add of one on its own is INVALID_ARGUMENT saying so, not NOT_FOUND', async () => {
    temp = await createTempDir('mlp-names-target-');
    const root = path.join(temp.path, 'project');
    await mkdir(root);
    writeFileSync(bytes(root, '/caf', [0xe9], '.csv'), 'foo');
    const repo = await openDataRepo({ root, lockWaitMs: 300 });
    // As the SDK would name it (surrogateescape), and as a command line hands it over (U+FFFD).
    for (const target of ['caf\udce9.csv', 'caf\ufffd.csv']) {
      const error = await errorOf(repo.add([target]));
      expect(error.code, target).toBe('INVALID_ARGUMENT');
      expect(error.message).toContain('is not a valid UTF-8 name');
      expect(error.message).toContain('add the folder that holds it');
    }
    expect((await errorOf(repo.add(['missing.csv']))).code).toBe('NOT_FOUND');
  });

  it('a .dvc file inside a folder whose name is not UTF-8 is found: status and checkout see its data', async () => {
    temp = await createTempDir('mlp-names-folder-');
    const root = path.join(temp.path, 'project');
    await mkdir(root);
    const repo = await openDataRepo({ root, lockWaitMs: 300 });
    await writeTree(root, { foo: 'foo' });
    await repo.add(['foo']); // puts the object in the cache
    await mkdir(bytes(root, '/d', [0xff]));
    writeFileSync(
      bytes(root, '/d', [0xff], '/x.csv.dvc'),
      'outs:\n- md5: acbd18db4cc2f85cedef654fccc4a4d8\n  size: 3\n  hash: md5\n  path: x.csv\n',
    );
    const before = await repo.status();
    expect(before.entries.map((entry) => [entry.path, entry.status])).toEqual([
      ['d\udcff/x.csv', ['deleted']],
      ['foo', []],
    ]);
    expect((await repo.checkout()).changed).toEqual(['d\udcff/x.csv']);
    expect(readFileSync(bytes(root, '/d', [0xff], '/x.csv'), 'utf8')).toBe('foo');
    expect((await repo.status()).clean).toBe(true);
  });

  it('can still be left out by .dvcignore', async () => {
    temp = await createTempDir('mlp-names-ignore-');
    const root = path.join(temp.path, 'project');
    await mkdir(root);
    await writeTree(root, { 'dir/bar': 'bar', 'dir/foo': 'foo', '.dvcignore': '*.latin1\n' });
    writeFileSync(bytes(root, '/dir/caf', [0xe9], '.latin1'), 'x');
    const repo = await openDataRepo({ root, lockWaitMs: 300 });
    expect(await repo.add(['dir'])).toEqual([{ path: 'dir', md5: '5ea40360f5b4ec688df672a4db9c17d1.dir', size: 6, nfiles: 2 }]);
  });
});

describe('a manifest DVC wrote with a name that is not UTF-8', () => {
  it('is checked out under the bytes DVC read, not under another name', async () => {
    temp = await createTempDir('mlp-names-checkout-');
    const root = path.join(temp.path, 'project');
    await mkdir(root);
    const repo = await openDataRepo({ root, lockWaitMs: 300 });
    // What DVC records for a folder holding caf\xe9.csv: relpath "caf\udce9.csv" (surrogateescape).
    const manifest = serializeManifest([{ md5: 'acbd18db4cc2f85cedef654fccc4a4d8', relpath: 'caf\udce9.csv' }]);
    expect(manifest.toString('latin1')).toBe('[{"md5": "acbd18db4cc2f85cedef654fccc4a4d8", "relpath": "caf\\udce9.csv"}]');
    const id = manifestId(manifest);
    await mkdir(path.dirname(repo.cachePath(id)), { recursive: true });
    await writeFile(repo.cachePath(id), manifest);
    await writeTree(root, { foo: 'foo' });
    await repo.add(['foo']); // puts the file's object in the cache
    await writeFile(path.join(root, 'dir.dvc'), `outs:\n- md5: ${id}\n  size: 3\n  nfiles: 1\n  hash: md5\n  path: dir\n`);
    const report = await repo.checkout(['dir']);
    expect(report).toMatchObject({ failed: [], changed: ['dir'], files: 1 });
    expect(readdirSync(Buffer.from(path.join(root, 'dir')), { encoding: 'buffer' })).toEqual([bytes('caf', [0xe9], '.csv')]);
    expect((await repo.status(['dir'])).clean).toBe(true);
  });
});
