import { mkdir, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MlpError } from '../errors/mlp-error.js';
import { runBlobStoreContract } from '../testing/blob-store-contract.js';
import { createTempDir, type TempDir } from '../testing/temp-dir.js';
import type { BlobStore } from './blob-store.js';
import { createFsBlobStore } from './fs-blob-store.js';

runBlobStoreContract('fs', async () => {
  const dir = await createTempDir('mlp-fs-contract-');
  return { store: createFsBlobStore({ root: path.join(dir.path, 'blobs') }), cleanup: dir.remove };
});

async function rejection(action: Promise<unknown>): Promise<MlpError> {
  try {
    await action;
  } catch (error) {
    expect(MlpError.isInstance(error), String(error)).toBe(true);
    return error as MlpError;
  }
  return expect.fail('expected a rejection');
}

async function* brokenAfter(bytes: number): AsyncGenerator<Uint8Array> {
  yield Buffer.alloc(bytes, 1);
  throw new Error('disk source broke');
}

describe('fs blob store', () => {
  let dir: TempDir;
  let root: string;
  let store: BlobStore;

  beforeAll(async () => {
    dir = await createTempDir('mlp-fs-blobs-');
    root = path.join(dir.path, 'root');
    store = createFsBlobStore({ root });
  });
  afterAll(() => dir.remove());

  const tempFiles = async () => readdir(path.join(root, '.tmp')).catch(() => []);

  it('keeps key a/b/c as the file <root>/a/b/c, creating the root on first put', async () => {
    await expect(stat(root)).rejects.toThrow();
    const info = await store.put('a/b/c.txt', 'content');
    expect(await readFile(path.join(root, 'a', 'b', 'c.txt'), 'utf8')).toBe('content');
    expect(info.lastModified.getTime()).toBe((await stat(path.join(root, 'a', 'b', 'c.txt'))).mtime.getTime());
    expect(store.driver).toBe('fs');
    expect(store.location).toBe(root);
  });

  it('leaves no temp files after successful, failed and aborted puts', async () => {
    await store.put('temps/ok', 'fine');
    await rejection(store.put('temps/failed', brokenAfter(3 * 1024 * 1024)));
    const controller = new AbortController();
    const pending = store.put(
      'temps/aborted',
      (async function* () {
        yield Buffer.alloc(1024);
        controller.abort();
        await new Promise(() => {});
      })(),
      { signal: controller.signal },
    );
    expect((await rejection(pending)).details?.aborted).toBe(true);
    expect(await tempFiles()).toEqual([]);
    expect(await readdir(path.join(root, 'temps'))).toEqual(['ok']);
  });

  it('does not list the temp folder and reserves its name', async () => {
    await mkdir(path.join(root, '.tmp'), { recursive: true });
    await writeFile(path.join(root, '.tmp', 'stray.tmp'), 'half-written');
    const keys: string[] = [];
    for await (const info of store.list()) keys.push(info.key);
    expect(keys.some((key) => key.startsWith('.tmp'))).toBe(false);
    for await (const info of store.list('.tmp/')) keys.push(info.key);
    expect(keys.some((key) => key.startsWith('.tmp'))).toBe(false);
    expect((await rejection(store.put('.tmp/x', 'x'))).code).toBe('INVALID_ARGUMENT');
    expect((await rejection(store.get('.tmp/stray.tmp'))).code).toBe('INVALID_ARGUMENT');
    await rm(path.join(root, '.tmp', 'stray.tmp'));
    // '.tmp' only as the first segment is reserved.
    await store.put('nested/.tmp/x', 'fine');
    expect(Buffer.from(await store.getBytes('nested/.tmp/x')).toString()).toBe('fine');
  });

  it('removes folders a delete leaves empty, but not the root', async () => {
    await store.put('prune/deep/er/key', 'x');
    await store.put('prune/keep', 'x');
    await store.delete('prune/deep/er/key');
    expect(await readdir(path.join(root, 'prune'))).toEqual(['keep']);
    const solo = createFsBlobStore({ root: path.join(dir.path, 'solo') });
    await solo.put('only', 'x');
    await solo.delete('only');
    // The root stays, holding only the temp folder that puts reuse.
    expect(await readdir(path.join(dir.path, 'solo'))).toEqual(['.tmp']);
  });

  it('refuses keys that lead out of the root through symbolic links', async () => {
    const outside = path.join(dir.path, 'outside');
    await mkdir(outside, { recursive: true });
    await writeFile(path.join(outside, 'secret'), 'do not read');
    await mkdir(path.join(root, 'links'), { recursive: true });
    await symlink(outside, path.join(root, 'links', 'dir'));
    await symlink(path.join(outside, 'secret'), path.join(root, 'links', 'file'));
    for (const action of [
      () => store.put('links/dir/new/file', 'x'),
      () => store.put('links/dir/secret', 'overwritten'),
      () => store.get('links/dir/secret'),
      () => store.get('links/file'),
      () => store.head('links/file'),
      () => store.delete('links/dir/secret'),
    ]) {
      const error = await rejection(action());
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.message).toContain("outside the store's folder");
      expect(error.message).not.toContain(root);
    }
    await expect(
      rejection(
        (async () => {
          for await (const _ of store.list('links/dir/'));
        })(),
      ),
    ).resolves.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(await readdir(outside)).toEqual(['secret']);
    expect(await readFile(path.join(outside, 'secret'), 'utf8')).toBe('do not read');
    // Links are not blobs: listing the folder that holds them shows nothing.
    const listed: string[] = [];
    for await (const info of store.list('links/')) listed.push(info.key);
    expect(listed).toEqual([]);
  });

  it('reports a key that is also a folder of other keys as CONFLICT', async () => {
    await store.put('clash/a/b', 'x');
    expect((await rejection(store.put('clash/a', 'y'))).code).toBe('CONFLICT');
    await store.put('clash/file', 'x');
    expect((await rejection(store.put('clash/file/child', 'y'))).code).toBe('CONFLICT');
    expect(await tempFiles()).toEqual([]);
    await store.delete('clash/a');
    expect(await store.head('clash/a/b')).toBeDefined();
  });

  it('rejects bad options and over-long names with INVALID_ARGUMENT', async () => {
    expect(() => createFsBlobStore({ root: '' })).toThrow(/root/);
    expect(() => createFsBlobStore({ root: 'x', extra: 1 } as never)).toThrow(/extra/);
    const error = await rejection(store.put(`long/${'x'.repeat(300)}`, 'x'));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain(`long/${'x'.repeat(300)}`);
    expect(error.message).not.toContain(dir.path);
    expect(await tempFiles()).toEqual([]);
  });
});
