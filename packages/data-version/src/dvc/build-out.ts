import { closeSync, fstatSync, openSync, readFileSync, type Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { hashFile, md5Hex } from '@mlp/core';
import pLimit from 'p-limit';
import { type DirManifestEntry, manifestId, serializeManifest, sortManifest } from './dir-manifest.js';
import type { DvcIgnore } from './dvc-ignore.js';
import { fileError } from './file-hash.js';
import type { ObjectCache } from './object-cache.js';
import { osPath } from './os-path.js';
import { createProgressCounter, type ProgressListener } from './progress.js';
import type { StateCache } from './state-cache.js';
import { walkFiles } from './walk-files.js';

/** The hash of a file or folder as it is now in the workspace. */
export interface BuiltOut {
  kind: 'file' | 'dir';
  /** md5, or manifest id ending in `.dir`. */
  md5: string;
  size: number;
  nfiles?: number;
  /** A file with an execute bit: DVC records `isexec: true` (folders never). */
  isexec?: boolean;
  /** For a folder: its files, sorted as in the manifest. */
  entries?: Array<DirManifestEntry & { size: number }>;
  /** For a folder: the manifest's bytes. */
  manifest?: Buffer;
}

export interface BuildOptions {
  state: StateCache;
  /** When given, every file (and the manifest) is also stored in this cache. */
  cache?: ObjectCache;
  onProgress?: ProgressListener;
  /** The project's .dvcignore files, applied inside folders. */
  ignore?: DvcIgnore;
  /** Files hashed at once. */
  concurrency?: number;
}

/** As dvc_data decides `isexec`: any of the owner, group or other execute bits. */
export const isExecutable = (stats: Stats): boolean => (Number(stats.mode) & 0o111) !== 0;

/** Hashes `target` (file or folder), reusing md5s from the state cache for unchanged files. */
export async function buildOut(target: string, options: BuildOptions): Promise<BuiltOut> {
  let stats: Stats;
  try {
    stats = await stat(osPath(target));
  } catch (error) {
    throw fileError(error, target, 'read');
  }
  if (stats.isFile()) {
    const counter = createProgressCounter('hash', 1, options.onProgress, { totalBytes: Number(stats.size) });
    const md5 = await hashOne(target, stats, options, counter);
    return { kind: 'file', md5, size: Number(stats.size), ...(isExecutable(stats) ? { isexec: true } : {}) };
  }
  if (!stats.isDirectory()) throw fileError(Object.assign(new Error('not a regular file or folder'), { code: 'EINVAL' }), target, 'add');
  const files = await walkFiles(target, { ignore: options.ignore });
  const totalBytes = files.reduce((sum, file) => sum + Number(file.stats.size), 0);
  const counter = createProgressCounter('hash', files.length, options.onProgress, { totalBytes });
  const limit = pLimit(options.concurrency ?? 16);
  // State hits need no I/O when nothing is stored: answer them without a promise each.
  const entries = await Promise.all(
    files.map((file) => {
      const known = options.cache ? undefined : options.state.get(file.absolutePath, file.stats);
      if (known !== undefined) {
        counter.addBytes(Number(file.stats.size));
        counter.finishOne(file.relpath);
        return { md5: known, relpath: file.relpath, size: Number(file.stats.size) };
      }
      return limit(async () => ({
        md5: await hashOne(file.absolutePath, file.stats, options, counter, file.relpath),
        relpath: file.relpath,
        size: Number(file.stats.size),
      }));
    }),
  );
  counter.end();
  const sorted = sortManifest(entries) as Array<DirManifestEntry & { size: number }>;
  const manifest = serializeManifest(sorted);
  const md5 = manifestId(manifest);
  if (options.cache) await options.cache.storeBytes(md5, manifest);
  return {
    kind: 'dir',
    md5,
    size: sorted.reduce((sum, entry) => sum + entry.size, 0),
    nfiles: sorted.length,
    entries: sorted,
    manifest,
  };
}

async function hashOne(
  file: string,
  stats: Stats,
  options: BuildOptions,
  counter: ReturnType<typeof createProgressCounter>,
  item?: string,
): Promise<string> {
  const size = Number(stats.size);
  const known = options.state.get(file, stats);
  if (known !== undefined) {
    let copied = 0; // bytes copied into the cache; none when the object is there already
    if (options.cache)
      await options.cache.ensureFile(file, known, size, (bytes) => {
        copied += bytes;
        counter.addBytes(bytes, item ?? file);
      });
    counter.addBytes(size - copied, item ?? file);
    counter.finishOne(item ?? file);
    return known;
  }
  if (size <= SMALL_FILE) {
    const md5 = hashSmallFile(file, options);
    counter.addBytes(size);
    counter.finishOne(item ?? file);
    return md5;
  }
  const onBytes = (bytes: number) => counter.addBytes(bytes, item ?? file);
  const md5 = options.cache
    ? (await options.cache.storeFile(file, size, onBytes)).md5
    : await hashFile('md5', osPath(file), { size, onBytes });
  // A file that changed while it was read gets no state entry, so it is hashed again next time.
  const after = await stat(osPath(file)).catch(() => undefined);
  if (after && after.mtimeMs === stats.mtimeMs && after.size === stats.size && after.ino === stats.ino) options.state.set(file, stats, md5);
  counter.finishOne(item ?? file);
  return md5;
}

/** Files up to this size are read whole with synchronous calls (see walk-files.ts for why). */
const SMALL_FILE = 256 * 1024;

/**
 * Reads a small file through one descriptor: the stats that key the state entry are taken from that
 * descriptor before and after the read, so a file changed meanwhile gets no entry.
 */
function hashSmallFile(file: string, options: BuildOptions): string {
  let fd: number | undefined;
  try {
    fd = openSync(osPath(file), 'r');
    const before = fstatSync(fd);
    const bytes = readFileSync(fd);
    const after = fstatSync(fd);
    const md5 = md5Hex(bytes);
    options.cache?.storeBytesSync(md5, bytes);
    if (after.mtimeMs === before.mtimeMs && after.size === before.size) options.state.set(file, before, md5);
    return md5;
  } catch (error) {
    throw fileError(error, file, 'read');
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
