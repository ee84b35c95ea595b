import { chmod, cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type MlpError, md5Hex } from '@mlp/core';
import { createTempDir, type TempDir } from '@mlp/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDataRepo } from './data-repo.js';
import { writeTree } from './test-project.js';

let temp: TempDir;
let root: string;
let remoteDir: string;

beforeEach(async () => {
  temp = await createTempDir('mlp-data-remote-');
  root = path.join(temp.path, 'project');
  remoteDir = path.join(temp.path, 'remote');
  await mkdir(root);
});
afterEach(async () => {
  await temp.remove();
});

async function listRemote(): Promise<string[]> {
  const keys: string[] = [];
  const base = path.join(remoteDir, 'files', 'md5');
  for (const prefix of await readdir(base)) for (const name of await readdir(path.join(base, prefix))) keys.push(`${prefix}${name}`);
  return keys.sort();
}

const files = {
  'data/flights.csv': 'origin,dest\nSFO,JFK\n',
  'data/nested/é ü.json': '{"a": 1}',
  'data/big.bin': Buffer.from(Array.from({ length: 2 * 1024 * 1024 + 17 }, (_, index) => index % 253)),
  'model.txt': 'weights',
};

describe('a folder remote', () => {
  it('round-trips files and folders byte for byte into a fresh clone, in DVC 3 remote layout', async () => {
    await writeTree(root, files);
    const repo = await openDataRepo({ root });
    await repo.add(['data', 'model.txt']);
    await repo.remotes.add('store', remoteDir, { default: true });
    expect(await repo.remotes.list()).toEqual([{ name: 'store', url: remoteDir, default: true }]);

    const pushed = await repo.push({ jobs: 4 });
    expect(pushed).toMatchObject({ remote: 'store', transferred: 5, skipped: 0, failed: [], missing: [] });
    const remoteKeys = await listRemote();
    expect(remoteKeys).toHaveLength(5);
    expect(remoteKeys).toContain(md5Hex('weights'));
    expect(await readFile(path.join(remoteDir, 'files', 'md5', md5Hex('weights').slice(0, 2), md5Hex('weights').slice(2)), 'utf8')).toBe(
      'weights',
    );
    expect(await repo.push()).toMatchObject({ transferred: 0, skipped: 5 });

    // A clone: the .dvc files and the remote config, no cache, no data.
    const clone = path.join(temp.path, 'clone');
    await mkdir(path.join(clone, '.mlp'), { recursive: true });
    for (const name of ['data.dvc', 'model.txt.dvc']) await cp(path.join(root, name), path.join(clone, name));
    await cp(path.join(root, '.mlp', 'data-config.json'), path.join(clone, '.mlp', 'data-config.json'));
    const cloned = await openDataRepo({ root: clone });
    expect((await cloned.status()).entries.map((entry) => entry.status)).toEqual([
      ['deleted', 'not-in-cache'],
      ['deleted', 'not-in-cache'],
    ]);
    const pulled = await cloned.pull();
    expect(pulled).toMatchObject({ transferred: 5, failed: [], missing: [], checkout: { changed: ['data', 'model.txt'], failed: [] } });
    for (const [name, content] of Object.entries(files))
      expect(Buffer.compare(await readFile(path.join(clone, name)), Buffer.from(content))).toBe(0);
    expect((await cloned.status()).clean).toBe(true);
  });

  it('verifies downloads: a corrupt remote object never enters the cache', async () => {
    await writeTree(root, { foo: 'foo' });
    const repo = await openDataRepo({ root });
    await repo.add(['foo']);
    await repo.remotes.add('store', remoteDir, { default: true });
    await repo.push();
    const remoteFile = path.join(remoteDir, 'files', 'md5', 'ac', 'bd18db4cc2f85cedef654fccc4a4d8');
    await chmod(remoteFile, 0o644);
    await writeFile(remoteFile, 'rot');
    await rm(path.join(root, '.mlp', 'cache'), { recursive: true });
    const fetched = await repo.fetch();
    expect(fetched.transferred).toBe(0);
    expect(fetched.failed).toEqual([{ object: md5Hex('foo'), reason: expect.stringMatching(/in remote 'store' .* is corrupt/) }]);
    expect((await repo.status()).entries[0]?.status).toEqual(['not-in-cache']);
  });

  it('re-fetches a corrupt cache object from the default remote during checkout', async () => {
    await writeTree(root, { foo: 'foo' });
    const repo = await openDataRepo({ root });
    await repo.add(['foo']);
    await repo.remotes.add('store', remoteDir, { default: true });
    await repo.push();
    await chmod(repo.cachePath(md5Hex('foo')), 0o644);
    await writeFile(repo.cachePath(md5Hex('foo')), 'rot');
    await rm(path.join(root, 'foo'));
    const report = await repo.checkout();
    expect(report).toMatchObject({ changed: ['foo'], failed: [] });
    expect(await readFile(path.join(root, 'foo'), 'utf8')).toBe('foo');
    expect(await readFile(repo.cachePath(md5Hex('foo')), 'utf8')).toBe('foo');
  });

  it('reports objects missing on either side, and unknown remotes by name', async () => {
    await writeTree(root, { foo: 'foo' });
    const repo = await openDataRepo({ root });
    await repo.add(['foo']);
    const none = await repo.push().catch((error: MlpError) => error);
    expect(none).toMatchObject({ code: 'FAILED_PRECONDITION', message: expect.stringMatching(/No remote is configured/) });
    await repo.remotes.add('store', remoteDir);
    const unknown = await repo.push({ remote: 'nope' }).catch((error: MlpError) => error);
    expect(unknown).toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/Unknown remote "nope"; configured: store/) });
    await expect(repo.remotes.add('store', remoteDir)).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    await expect(repo.remotes.add('gs', 'gs://bucket/x')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });

    await rm(repo.cachePath(md5Hex('foo')));
    expect(await repo.push()).toMatchObject({ transferred: 0, missing: [md5Hex('foo')] });
    expect(await repo.fetch()).toMatchObject({ transferred: 0, missing: [md5Hex('foo')] });
  });
});

describe('a project shared with DVC (.dvc/)', () => {
  it("uses DVC's cache.dir and remotes, and writes remotes as `dvc remote add` does", async () => {
    await mkdir(path.join(root, '.dvc'));
    await writeFile(path.join(root, '.dvc', 'config'), '[cache]\n    dir = ../shared-cache\n[core]\n    autostage = true\n');
    await writeTree(root, { foo: 'foo' });
    const repo = await openDataRepo({ root });
    expect(repo.layout.kind).toBe('dvc');
    expect(repo.cacheDir).toBe(path.join(root, 'shared-cache'));
    await repo.add(['foo']);
    expect(await readFile(path.join(root, 'shared-cache', 'files', 'md5', 'ac', 'bd18db4cc2f85cedef654fccc4a4d8'), 'utf8')).toBe('foo');

    await repo.remotes.add('store', '../remote', { default: true });
    await repo.remotes.add('s3', 's3://bucket/prefix', { endpoint: 'http://127.0.0.1:9000', region: 'eu-west-1' });
    expect(await readFile(path.join(root, '.dvc', 'config'), 'utf8')).toBe(
      [
        '[core]',
        '    autostage = true',
        '    remote = store',
        '[cache]',
        '    dir = ../shared-cache',
        '[\'remote "store"\']',
        '    url = ../../remote',
        '[\'remote "s3"\']',
        '    url = s3://bucket/prefix',
        '    endpointurl = http://127.0.0.1:9000',
        '    region = eu-west-1',
        '',
      ].join('\n'),
    );
    // DVC resolves the relative URL against .dvc/, so it names <root>/../remote.
    await repo.push();
    expect(await readFile(path.join(temp.path, 'remote', 'files', 'md5', 'ac', 'bd18db4cc2f85cedef654fccc4a4d8'), 'utf8')).toBe('foo');
    await writeFile(path.join(root, '.dvc', 'config.local'), '[\'remote "s3"\']\n    access_key_id = AKIA\n');
    expect(await repo.remotes.list()).toEqual([
      { name: 'store', url: '../../remote', default: true },
      { name: 's3', url: 's3://bucket/prefix', default: false, endpoint: 'http://127.0.0.1:9000', region: 'eu-west-1' },
    ]);
    await repo.remotes.setDefault('s3');
    expect(await readFile(path.join(root, '.dvc', 'config'), 'utf8')).toContain('    remote = s3\n');
  });
});
