import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { hashFile, MlpError, md5Hex } from '@mlp/core';
import { copyHashing as copyFileHashing, fileError } from './file-hash.js';
import type { StateCache } from './state-cache.js';
import { removeStaleTemps, tempFileName } from './temp-files.js';

/** Cache and remotes share DVC 3's layout: `files/md5/<first 2 hex>/<other 30 hex>[.dir]`. */
export const OBJECTS_PREFIX = 'files/md5';

const objectId = /^[0-9a-f]{32}(\.dir)?$/;

export function assertObjectId(md5: string): void {
  if (!objectId.test(md5))
    throw new MlpError('INVALID_ARGUMENT', `${JSON.stringify(md5)} is not an md5 object id (32 hex digits, optionally .dir).`);
}

/** The object's key relative to a cache or remote root: `files/md5/ab/cdef…`. */
export function objectKey(md5: string): string {
  assertObjectId(md5);
  return `${OBJECTS_PREFIX}/${md5.slice(0, 2)}/${md5.slice(2)}`;
}

/** The object id of a key under `files/md5/`, or undefined for anything else. */
export function objectIdOfKey(key: string): string | undefined {
  const match = /^files\/md5\/([0-9a-f]{2})\/([0-9a-f]{30}(?:\.dir)?)$/.exec(key);
  return match ? `${match[1]}${match[2]}` : undefined;
}

/** Cache objects are read-only, as DVC makes them, so a hardlinked checkout cannot change them. */
const OBJECT_MODE = 0o444;
const SMALL = 1024 * 1024;

export interface StoredObject {
  md5: string;
  size: number;
  /** False when the cache already had it. */
  written: boolean;
}

/** The local content-addressed cache. Every write goes to a temp file and is renamed into place. */
export interface ObjectCache {
  readonly dir: string;
  path(md5: string): string;
  has(md5: string): Promise<boolean>;
  /** Reads a file once, hashing and copying it into the cache; the md5 is of the bytes actually copied. */
  storeFile(source: string, size: number, onBytes?: (bytes: number) => void): Promise<StoredObject>;
  /** Copies a file whose md5 is already known (from the state cache) into the cache when it is missing. */
  ensureFile(source: string, md5: string, size: number, onBytes?: (bytes: number) => void): Promise<void>;
  storeBytes(md5: string, bytes: Uint8Array): Promise<void>;
  /** For small files already in memory: stores them with synchronous calls (see walk-files.ts for why). */
  storeBytesSync(md5: string, bytes: Uint8Array): void;
  /** A fresh temp file path inside the cache's temp folder. */
  tempPath(): Promise<string>;
  /** Moves a verified temp file into place as object `md5`. */
  commitTemp(temp: string, md5: string): Promise<void>;
  readBytes(md5: string): Promise<Buffer>;
  /** Whether the object's bytes still hash to its id (remembered in `state` while the file is unchanged). */
  verify(md5: string, state?: StateCache): Promise<boolean>;
  /** Every object id in the cache. */
  list(): AsyncGenerator<string>;
  remove(md5: string): Promise<void>;
  /** Removes temp files that killed writers left (see temp-files.ts); returns how many. */
  removeStaleTemps(): Promise<number>;
  /** Forgets which folders exist (they are remembered to save a mkdir per object); call at the start of each operation. */
  forgetFolders(): void;
}

export function createObjectCache(cacheDir: string, tempDir: string): ObjectCache {
  const objectsDir = path.join(cacheDir, ...OBJECTS_PREFIX.split('/'));
  const madeDirs = new Set<string>();
  const pathOf = (md5: string) => path.join(cacheDir, ...objectKey(md5).split('/'));

  async function ensureDir(dir: string): Promise<void> {
    if (madeDirs.has(dir)) return;
    await mkdir(dir, { recursive: true });
    madeDirs.add(dir);
  }

  async function tempPath(): Promise<string> {
    await ensureDir(tempDir);
    return path.join(tempDir, tempFileName());
  }

  // Synchronous: an existence check is a microsecond stat, cheaper than a promise round trip.
  const hasSync = (md5: string) => statSync(pathOf(md5), { throwIfNoEntry: false })?.isFile() ?? false;
  const has = async (md5: string) => hasSync(md5);

  function storeBytesSync(md5: string, bytes: Uint8Array): void {
    if (hasSync(md5)) return;
    if (!madeDirs.has(tempDir)) {
      mkdirSync(tempDir, { recursive: true });
      madeDirs.add(tempDir);
    }
    const temp = path.join(tempDir, tempFileName());
    const target = pathOf(md5);
    try {
      writeFileSync(temp, bytes, { mode: OBJECT_MODE });
      const folder = path.dirname(target);
      if (!madeDirs.has(folder)) {
        mkdirSync(folder, { recursive: true });
        madeDirs.add(folder);
      }
      renameSync(temp, target);
    } catch (error) {
      rmSync(temp, { force: true });
      throw fileError(error, target, 'write cache object');
    }
  }

  async function commitTemp(temp: string, md5: string): Promise<void> {
    const target = pathOf(md5);
    await ensureDir(path.dirname(target));
    try {
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw fileError(error, target, 'write cache object');
    }
  }

  async function copyHashing(source: string, size: number, onBytes?: (bytes: number) => void): Promise<{ md5: string; temp: string }> {
    const temp = await tempPath();
    try {
      if (size <= SMALL) {
        const bytes = await readFile(source);
        onBytes?.(bytes.byteLength);
        await writeFile(temp, bytes, { mode: OBJECT_MODE });
        return { md5: md5Hex(bytes), temp };
      }
      const copied = await copyFileHashing(source, temp, { mode: OBJECT_MODE, ...(onBytes ? { onBytes } : {}) });
      return { md5: copied.md5, temp };
    } catch (error) {
      await rm(temp, { force: true });
      throw fileError(error, source, 'read');
    }
  }

  return {
    dir: cacheDir,
    path: pathOf,
    has,
    tempPath,
    commitTemp,

    async storeFile(source, size, onBytes) {
      const { md5, temp } = await copyHashing(source, size, onBytes);
      if (await has(md5)) {
        await rm(temp, { force: true });
        return { md5, size, written: false };
      }
      await commitTemp(temp, md5);
      return { md5, size, written: true };
    },

    async ensureFile(source, md5, size, onBytes) {
      if (await has(md5)) return;
      const copied = await copyHashing(source, size, onBytes);
      if (copied.md5 !== md5) {
        await rm(copied.temp, { force: true });
        throw new MlpError(
          'CONFLICT',
          `${source} changed while it was being added (md5 ${copied.md5}, expected ${md5}). Run the command again.`,
        );
      }
      await commitTemp(copied.temp, md5);
    },

    storeBytesSync,

    async storeBytes(md5, bytes) {
      if (await has(md5)) return;
      const temp = await tempPath();
      await writeFile(temp, bytes, { mode: OBJECT_MODE });
      await commitTemp(temp, md5);
    },

    async readBytes(md5) {
      try {
        return await readFile(pathOf(md5));
      } catch (error) {
        throw fileError(error, pathOf(md5), 'read cache object');
      }
    },

    async verify(md5, state) {
      const file = pathOf(md5);
      let stats: import('node:fs').Stats;
      try {
        stats = await stat(file);
      } catch {
        return false;
      }
      const expected = md5.replace(/\.dir$/, '');
      if (state?.get(file, stats) === expected) return true;
      const actual = await hashFile('md5', file, { size: Number(stats.size) });
      if (actual !== expected) return false;
      state?.set(file, stats, actual);
      return true;
    },

    async *list() {
      let prefixes: string[];
      try {
        prefixes = readdirSync(objectsDir);
      } catch {
        return;
      }
      for (const prefix of prefixes.sort()) {
        if (!/^[0-9a-f]{2}$/.test(prefix)) continue;
        for (const name of readdirSync(path.join(objectsDir, prefix)).sort()) {
          const id = prefix + name;
          if (objectId.test(id)) yield id;
        }
      }
    },

    async remove(md5) {
      await rm(pathOf(md5), { force: true });
    },

    removeStaleTemps: async () => (await removeStaleTemps(tempDir)).length,

    forgetFolders() {
      madeDirs.clear();
    },
  };
}
