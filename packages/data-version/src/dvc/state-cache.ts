import type { Stats } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '@mlp/core';

/**
 * Remembers the md5 of files by (inode, mtime, size), so an unchanged file is never hashed
 * again. Loaded once per operation and written back atomically at its end; a lost or stale state
 * only costs re-hashing, never a wrong answer, because every lookup compares the full signature.
 */
export interface StateCache {
  /** The md5 recorded for this file if its signature still matches. */
  get(file: string, stats: Stats): string | undefined;
  set(file: string, stats: Stats, md5: string): void;
  delete(file: string): void;
  /** Writes the state if anything changed. */
  save(): Promise<void>;
}

// mtime in ms as a double (sub-microsecond resolution), as DVC's state keeps Python's float st_mtime.
const VERSION = 2;

type Entries = Record<string, [signature: string, md5: string]>;

function signature(stats: Stats): string {
  return `${stats.ino}:${stats.mtimeMs}:${stats.size}`;
}

/** Opens the state kept in `file`; paths are stored relative to `root`. A missing or unreadable state starts empty. */
export async function openStateCache(file: string, root: string): Promise<StateCache> {
  let entries: Entries = {};
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as { version?: number; entries?: Entries };
    if (parsed.version === VERSION && parsed.entries && typeof parsed.entries === 'object') {
      entries = parsed.entries; // lookups use Object.hasOwn, so no inherited name can match
    }
  } catch {
    // No state yet, or one from a crashed writer of an older format: start over, it only costs hashing.
  }
  let dirty = false;
  const prefix = root.endsWith(path.sep) ? root : root + path.sep;
  // Most paths are under the root: slicing is much cheaper than path.relative for 10,000 lookups.
  const key = (target: string) =>
    (target.startsWith(prefix) ? target.slice(prefix.length) : path.relative(root, target)).split(path.sep).join('/');
  return {
    get(target, stats) {
      const name = key(target);
      const entry = Object.hasOwn(entries, name) ? entries[name] : undefined;
      return entry && entry[0] === signature(stats) ? entry[1] : undefined;
    },
    set(target, stats, md5) {
      const name = key(target);
      const sig = signature(stats);
      const entry = Object.hasOwn(entries, name) ? entries[name] : undefined;
      if (entry && entry[0] === sig && entry[1] === md5) return;
      entries[name] = [sig, md5];
      dirty = true;
    },
    delete(target) {
      const name = key(target);
      if (Object.hasOwn(entries, name)) {
        delete entries[name];
        dirty = true;
      }
    },
    async save() {
      if (!dirty) return;
      await writeFileAtomic(file, JSON.stringify({ version: VERSION, entries }));
      dirty = false;
    },
  };
}
