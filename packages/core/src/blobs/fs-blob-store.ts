import { randomBytes } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { type FileHandle, mkdir, open, readdir, realpath, rename, rm, rmdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { type Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { formatZodIssues } from '../config/format-zod-error.js';
import { MlpError } from '../errors/mlp-error.js';
import { blobAborted, blobNotFound } from './blob-errors.js';
import { assertBlobKey, assertBlobPrefix, validateBlobKey } from './blob-key.js';
import type { BlobBody, BlobInfo, BlobStore, GetOptions, PutOptions } from './blob-store.js';
import { createGetStream, createPutSource, readAll } from './body.js';
import { errnoCode, type FsOperation, fsStoreName, mapFsError } from './fs-blob-errors.js';

export const fsBlobStoreOptionsSchema = z.strictObject({
  /** The folder holding the blobs; relative paths resolve against the current directory. */
  root: z.string().min(1, 'must not be empty'),
});

export type FsBlobStoreOptions = z.infer<typeof fsBlobStoreOptionsSchema>;

/** Where puts write before the rename: under root, so on the same file system and the rename is atomic. */
const TEMP_DIR = '.tmp';
const READ_CHUNK = 1024 * 1024;

const noop = () => {};

async function writeFully(handle: FileHandle, chunk: Uint8Array): Promise<void> {
  for (let offset = 0; offset < chunk.byteLength; ) {
    const { bytesWritten } = await handle.write(chunk, offset, chunk.byteLength - offset);
    offset += bytesWritten;
  }
}

/**
 * A Writable into an open file that leaves the handle open when it finishes, for the fsync that must
 * follow the last write. (A FileHandle write stream with autoClose false keeps a reference that makes
 * handle.close() wait forever.)
 */
function fileSink(handle: FileHandle): Writable {
  return new Writable({
    highWaterMark: READ_CHUNK,
    write(chunk: Uint8Array, _encoding, callback) {
      writeFully(handle, chunk).then(() => callback(), callback);
    },
    // Chunks that queued up while a write was in flight go out in one writev call.
    writev(chunks, callback) {
      const buffers = chunks.map(({ chunk }) => chunk as Uint8Array);
      (async () => {
        let skip = (await handle.writev(buffers)).bytesWritten;
        for (const buffer of buffers) {
          if (skip >= buffer.byteLength) skip -= buffer.byteLength;
          else {
            await writeFully(handle, buffer.subarray(skip));
            skip = 0;
          }
        }
      })().then(() => callback(), callback);
    },
  });
}

/**
 * A blob store in a local folder: key `a/b/c` is the file `<root>/a/b/c`. Writes go to a temporary
 * file that is fsynced and renamed into place, so readers see the old bytes or the new, never a part.
 */
export function createFsBlobStore(options: FsBlobStoreOptions): BlobStore {
  const parsed = fsBlobStoreOptionsSchema.safeParse(options);
  if (!parsed.success) throw new MlpError('INVALID_ARGUMENT', `Invalid fs blob store options: ${formatZodIssues(parsed.error)}.`);
  const root = path.resolve(parsed.data.root);
  const tempDir = path.join(root, TEMP_DIR);
  let realRoot: string | undefined;

  const fail = (error: unknown, operation: FsOperation, key: string, file: string) => mapFsError(error, { operation, key, file, root });

  /** The file of a key; the temp folder's name is reserved. */
  function fileOf(key: string): string {
    assertBlobKey(key);
    if (key.split('/', 1)[0] === TEMP_DIR) {
      throw new MlpError(
        'INVALID_ARGUMENT',
        `Invalid blob key '${key}': the fs store reserves the top-level folder '${TEMP_DIR}' for writes in progress. Choose another key.`,
        {
          details: { key },
        },
      );
    }
    return path.join(root, ...key.split('/'));
  }

  async function resolvedRoot(create: boolean): Promise<string> {
    if (realRoot) return realRoot;
    if (create) await mkdir(root, { recursive: true });
    realRoot = await realpath(root);
    return realRoot;
  }

  /** Keys are relative by validation; this also catches symbolic links that lead out of root. */
  async function assertInside(real: string, key: string): Promise<void> {
    const inside = await resolvedRoot(false);
    if (real === inside || real.startsWith(inside + path.sep)) return;
    throw new MlpError(
      'INVALID_ARGUMENT',
      `Blob key '${key}' resolves outside the store's folder (through a symbolic link). Remove the link or use another key.`,
      {
        details: { key, resolved: real, root: inside },
      },
    );
  }

  /** Creates `dir` under root, checking first that its deepest existing ancestor is inside root. */
  async function ensureFolder(dir: string, key: string): Promise<void> {
    await resolvedRoot(true);
    let existing = dir;
    for (;;) {
      try {
        await assertInside(await realpath(existing), key);
        break;
      } catch (error) {
        if (errnoCode(error) !== 'ENOENT') throw error;
        existing = path.dirname(existing);
      }
    }
    if (existing === dir) return;
    await mkdir(dir, { recursive: true });
    await assertInside(await realpath(dir), key);
  }

  async function openTemp(): Promise<{ file: string; handle: FileHandle }> {
    const file = path.join(tempDir, `${randomBytes(8).toString('hex')}.tmp`);
    try {
      return { file, handle: await open(file, 'wx') };
    } catch (error) {
      if (errnoCode(error) !== 'ENOENT') throw error;
      await resolvedRoot(true);
      await mkdir(tempDir, { recursive: true });
      return { file, handle: await open(file, 'wx') };
    }
  }

  /** Renames the finished temp file onto the key; retried when a concurrent delete pruned the folder. */
  async function moveIntoPlace(temp: string, target: string, key: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      await ensureFolder(path.dirname(target), key);
      try {
        await rename(temp, target);
        return;
      } catch (error) {
        if (errnoCode(error) !== 'ENOENT' || attempt >= 3) throw error;
      }
    }
  }

  async function put(key: string, body: BlobBody, options: PutOptions = {}): Promise<BlobInfo> {
    const target = fileOf(key);
    const { signal } = options;
    if (signal?.aborted) throw blobAborted('put', key, signal);
    const source = createPutSource(key, body, options);
    let temp: { file: string; handle: FileHandle } | undefined;
    let tempOpen = false;
    try {
      temp = await openTemp();
      tempOpen = true;
      await pipeline(source.chunks, fileSink(temp.handle), signal ? { signal } : {});
      await temp.handle.sync();
      const stats = await temp.handle.stat();
      tempOpen = false;
      await temp.handle.close();
      await moveIntoPlace(temp.file, target, key);
      return { key, size: stats.size, lastModified: stats.mtime };
    } catch (error) {
      if (temp) {
        if (tempOpen) await temp.handle.close().catch(noop);
        await rm(temp.file, { force: true }).catch(noop);
      }
      if (signal?.aborted) throw blobAborted('put', key, signal);
      throw fail(error, 'put', key, target);
    }
  }

  /** The file's bytes as of the open: `size` from fstat then (puts replace files, never change them). */
  async function* readChunks(handle: FileHandle, size: number): AsyncGenerator<Uint8Array> {
    for (let position = 0; position < size; ) {
      // Sized to what is left, so a small file's chunk does not pin a 1 MiB buffer.
      const buffer = Buffer.allocUnsafe(Math.min(READ_CHUNK, size - position));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) return;
      position += bytesRead;
      yield bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead);
    }
  }

  async function get(key: string, options: GetOptions = {}): Promise<Readable> {
    const file = fileOf(key);
    const { signal } = options;
    if (signal?.aborted) throw blobAborted('get', key, signal);
    let handle: FileHandle | undefined;
    let size: number;
    try {
      const real = await realpath(file);
      await assertInside(real, key);
      handle = await open(real, 'r');
      const stats = await handle.stat();
      if (!stats.isFile()) throw blobNotFound(key, fsStoreName);
      size = stats.size;
    } catch (error) {
      await handle?.close().catch(noop);
      const code = errnoCode(error);
      if (code === 'ENOTDIR' || code === 'EISDIR') throw blobNotFound(key, fsStoreName, error);
      throw fail(error, 'get', key, file);
    }
    const opened = handle;
    const stream = createGetStream(readChunks(opened, size), { key, signal, mapError: (error) => fail(error, 'get', key, file) });
    // Closed here, not in the generator: a stream destroyed before its first read never runs it.
    stream.once('close', () => void opened.close().catch(noop));
    return stream;
  }

  async function head(key: string): Promise<BlobInfo | undefined> {
    const file = fileOf(key);
    try {
      const real = await realpath(file);
      await assertInside(real, key);
      const stats = await stat(real);
      return stats.isFile() ? { key, size: stats.size, lastModified: stats.mtime } : undefined;
    } catch (error) {
      const code = errnoCode(error);
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
      throw fail(error, 'head', key, file);
    }
  }

  async function remove(key: string): Promise<void> {
    const file = fileOf(key);
    try {
      await assertInside(await realpath(path.dirname(file)), key);
      await unlink(file);
    } catch (error) {
      const code = errnoCode(error);
      if (code === 'ENOENT' || code === 'ENOTDIR') return;
      // A folder is not an object: deleting key 'a' while 'a/b' exists removes nothing.
      if ((code === 'EISDIR' || code === 'EPERM') && (await stat(file).catch(() => undefined))?.isDirectory()) return;
      throw fail(error, 'delete', key, file);
    }
    // Tidy folders left empty, so the tree mirrors the keys; a put racing this retries its rename.
    for (let dir = path.dirname(file); dir.startsWith(root + path.sep); dir = path.dirname(dir)) {
      const removed = await rmdir(dir).then(
        () => true,
        () => false,
      );
      if (!removed) break;
    }
  }

  /** Files under `dirKey` whose names start with `partial`, depth first, in key (UTF-8 byte) order. */
  async function* walk(dirKey: string, partial: string): AsyncGenerator<BlobInfo> {
    const dir = dirKey === '' ? root : path.join(root, ...dirKey.split('/'));
    let entries: Dirent[];
    try {
      if (dirKey !== '') await assertInside(await realpath(dir), dirKey);
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      const code = errnoCode(error);
      if (code === 'ENOENT' || code === 'ENOTDIR') return;
      throw fail(error, 'list', dirKey, dir);
    }
    // A folder sorts as its name plus '/', so 'a-b' < 'a.txt' < 'a/...' < 'a0', as its keys do.
    const ordered = entries
      .filter(
        (entry) => entry.name.startsWith(partial) && (entry.isFile() || entry.isDirectory()) && !(dirKey === '' && entry.name === TEMP_DIR),
      )
      .map((entry) => ({ entry, order: Buffer.from(entry.isDirectory() ? `${entry.name}/` : entry.name, 'utf8') }))
      .sort((a, b) => Buffer.compare(a.order, b.order));
    for (const { entry } of ordered) {
      const key = dirKey === '' ? entry.name : `${dirKey}/${entry.name}`;
      if (entry.isDirectory()) {
        yield* walk(key, '');
        continue;
      }
      // Files no key can name (a backslash in the name, say) are not blobs of this store.
      if (validateBlobKey(key) !== undefined) continue;
      try {
        const stats = await stat(path.join(dir, entry.name));
        yield { key, size: stats.size, lastModified: stats.mtime };
      } catch (error) {
        if (errnoCode(error) !== 'ENOENT') throw fail(error, 'list', key, path.join(dir, entry.name));
      }
    }
  }

  return {
    driver: 'fs',
    location: root,
    put,
    get,
    getBytes: async (key, options) => readAll(await get(key, options)),
    head,
    async *list(prefix = '') {
      assertBlobPrefix(prefix);
      const slash = prefix.lastIndexOf('/');
      // Writes in progress are not blobs, whatever the prefix.
      if (slash !== -1 && prefix.split('/', 1)[0] === TEMP_DIR) return;
      yield* walk(slash === -1 ? '' : prefix.slice(0, slash), prefix.slice(slash + 1));
    },
    delete: remove,
  };
}
