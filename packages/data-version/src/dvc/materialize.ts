import { constants, readFileSync, statSync, writeFileSync } from 'node:fs';
import { chmod, copyFile, link, mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { MlpError, md5Hex } from '@mlp/core';
import { copyHashing, fileError } from './file-hash.js';
import type { ObjectCache } from './object-cache.js';
import { osPath } from './os-path.js';
import type { StateCache } from './state-cache.js';
import { workspaceTempPath } from './temp-files.js';

/** Files up to this size are copied with synchronous whole-file calls (see walk-files.ts for why). */
const SMALL_FILE = 256 * 1024;

function copySmallSync(source: string, temp: string, onBytes?: (bytes: number) => void): string {
  const bytes = readFileSync(source);
  writeFileSync(osPath(temp), bytes, { flag: 'wx' });
  onBytes?.(bytes.byteLength);
  return md5Hex(bytes);
}

/** How checkout puts a cached file into the workspace. */
export type LinkType = 'copy' | 'hardlink' | 'reflink';

/** Thrown when a cache object's bytes no longer hash to its id. */
export class CorruptObjectError extends MlpError {
  readonly objectId: string;
  constructor(objectId: string, file: string, actual: string) {
    super('FAILED_PRECONDITION', `Cache object ${objectId} (${file}) is corrupt: its bytes hash to ${actual}. It was not checked out.`, {
      details: { object: objectId, file },
    });
    this.objectId = objectId;
  }
}

/**
 * Writes object `md5` to `target` through a temp file in the target's folder, so the target is
 * replaced whole. A copy is hashed as it streams and refused when the hash differs; a link or
 * reflink is made only after the cache object verifies (remembered in the state cache).
 */
export async function materialize(
  cache: ObjectCache,
  state: StateCache,
  md5: string,
  target: string,
  linkType: LinkType,
  onBytes?: (bytes: number) => void,
): Promise<void> {
  const source = cache.path(md5);
  await mkdir(osPath(path.dirname(target)), { recursive: true }).catch((error: unknown) => {
    throw fileError(error, path.dirname(target), 'create folder');
  });
  const temp = workspaceTempPath(target);
  try {
    if (linkType === 'copy') {
      const small = (statSync(source, { throwIfNoEntry: false })?.size ?? 0) <= SMALL_FILE;
      const actual = small ? copySmallSync(source, temp, onBytes) : (await copyHashing(source, temp, onBytes ? { onBytes } : {})).md5;
      if (actual !== md5) throw new CorruptObjectError(md5, source, actual);
    } else {
      if (!(await cache.verify(md5, state))) throw new CorruptObjectError(md5, source, 'something else');
      if (linkType === 'hardlink') await link(source, osPath(temp));
      else await copyFile(source, osPath(temp), constants.COPYFILE_FICLONE);
    }
    await rename(osPath(temp), osPath(target));
  } catch (error) {
    await rm(osPath(temp), { force: true });
    if (MlpError.isInstance(error)) throw error;
    throw fileError(error, target, 'write');
  }
  // What was just written is known: the next status need not hash it.
  state.set(target, await stat(osPath(target)), md5);
}

/** Adds the owner's execute bit, as DVC's checkout does for an `isexec: true` file (`mode | S_IEXEC`). */
export async function setExecutable(file: string): Promise<void> {
  try {
    await chmod(osPath(file), (await stat(osPath(file))).mode | 0o100);
  } catch (error) {
    throw fileError(error, file, 'make executable');
  }
}
