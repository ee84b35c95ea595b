import { randomBytes } from 'node:crypto';
import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * Temporary files beside the destination (same file system, so the final rename is atomic), all
 * removed by `cleanup` whatever happened: a failed or killed ingestion leaves nothing at the target.
 */
export interface Staging {
  /** A new temporary path next to the destination; `extension` keeps readers' format detection working. */
  file(label: string, extension?: string): string;
  cleanup(): Promise<void>;
}

/** Temporary files of an ingestion killed before it could clean up are this old before anyone removes them. */
const STALE_MS = 60 * 60 * 1000;

/**
 * Removes temporary files an earlier, killed ingestion into `destination` left behind (older than an
 * hour, so a concurrent ingestion's files are never touched).
 */
export async function sweepStaleStaging(destination: string, now = Date.now()): Promise<string[]> {
  const folder = path.dirname(destination);
  const prefix = `.${path.basename(destination)}.`;
  const names = await readdir(folder).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix) || !/\.tmp(\.[a-z]+)?$/.test(name)) continue;
    const file = path.join(folder, name);
    const info = await stat(file).catch(() => undefined);
    if (info?.isFile() && now - info.mtimeMs > STALE_MS) {
      await rm(file, { force: true });
      removed.push(file);
    }
  }
  return removed;
}

export function createStaging(destination: string): Staging {
  const folder = path.dirname(destination);
  const base = path.basename(destination);
  const files: string[] = [];
  return {
    file(label, extension = '') {
      const file = path.join(folder, `.${base}.${randomBytes(4).toString('hex')}.${label}.tmp${extension}`);
      files.push(file);
      return file;
    },
    async cleanup() {
      await Promise.all(files.map((file) => rm(file, { force: true })));
    },
  };
}
