import { createHash, randomBytes } from 'node:crypto';
import { readdir, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';

/**
 * Temp files of the cache and of folder remotes are named after their writer,
 * `<random>-<pid>-<host>.tmp` (host: 8 hex of its name's md5; checkout's, beside the file it writes,
 * `.<name>.<random>-<pid>-<host>.mlp-tmp`), so a later command can tell a killed
 * writer's leftovers from a live one's work. One is stale when its writer ran on this machine and that
 * process is gone, or, whoever wrote it, when it has not been modified for STALE_TEMP_MS (a writer on
 * another machine, a reused pid, names from older versions). A live writer's file is never touched:
 * its process exists, or it keeps changing.
 */
export const STALE_TEMP_MS = 60 * 60 * 1000;

const thisHost = createHash('md5').update(hostname()).digest('hex').slice(0, 8);
const writerPart = /(?:^|\.)[0-9a-f]{16}-(\d+)-([0-9a-f]{8})\.(?:mlp-)?tmp$/;
/** Checkout's temp files beside their target (older versions wrote 12 hex digits and no writer). */
const workspaceTemp = /^\..+\.(?:[0-9a-f]{12}|[0-9a-f]{16}-\d+-[0-9a-f]{8})\.mlp-tmp$/;

const writerTag = () => `${randomBytes(8).toString('hex')}-${process.pid}-${thisHost}`;

export function tempFileName(): string {
  return `${writerTag()}.tmp`;
}

/** The temp file checkout writes a workspace file through: `.<name>.<random>-<pid>-<host>.mlp-tmp` beside it. */
export function workspaceTempPath(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${writerTag()}.mlp-tmp`);
}

/** Whether a workspace file name is one of checkout's temp files (never data: add and status skip them). */
export function isWorkspaceTemp(name: string): boolean {
  return workspaceTemp.test(name);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, but someone else's
  }
}

/** Whether a temp file named `name`, last modified at `mtimeMs`, belongs to no live writer. */
export function isStaleTemp(name: string, mtimeMs: number, now = Date.now()): boolean {
  if (now - mtimeMs > STALE_TEMP_MS) return true;
  const match = writerPart.exec(name);
  if (!match || match[2] !== thisHost) return false;
  const pid = Number(match[1]);
  return pid !== process.pid && !processAlive(pid);
}

/** Removes the stale temp files directly in `dir` (a missing folder has none); returns their names. */
export async function removeStaleTemps(dir: string, now = Date.now()): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const file = path.join(dir, name);
    const stats = await stat(file).catch(() => undefined);
    if (!stats?.isFile() || !isStaleTemp(name, stats.mtimeMs, now)) continue;
    await rm(file, { force: true });
    removed.push(name);
  }
  return removed;
}
