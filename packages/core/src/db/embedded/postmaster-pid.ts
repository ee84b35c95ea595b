import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** What PostgreSQL writes to `postmaster.pid` while it runs (see its miscadmin.h, LOCK_FILE_LINE_*). */
export interface PostmasterState {
  pid: number;
  port: number;
  status: 'starting' | 'ready' | 'stopping' | 'standby' | 'unknown';
}

export async function readPostmasterPid(dataDir: string): Promise<PostmasterState | undefined> {
  let text: string;
  try {
    text = await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const lines = text.split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port)) return undefined;
  const word = (lines[7] ?? '').trim();
  const status = (['starting', 'ready', 'stopping', 'standby'] as const).find((s) => s === word) ?? 'unknown';
  return { pid, port, status };
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
