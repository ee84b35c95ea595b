import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { MlpError } from '@mlp/core';
import lockfile from 'proper-lockfile';
import { fileError } from './file-hash.js';

/** A lock not refreshed for this long belongs to a dead holder and is taken over. */
const staleMs = 10_000;
const refreshMs = 2_000;

export interface ProjectLockOptions {
  /**
   * How long to wait for another holder, in ms. The default outlasts a dead holder's lock (stale
   * after `staleMs` without a refresh, the last refresh at most `refreshMs` before it died), so the
   * command after a killed one goes through instead of failing with CONFLICT.
   */
  waitMs?: number;
}

/**
 * Holds the project's data lock while `work` runs, so two commands that write the cache or the
 * workspace (add, checkout, pull, gc) never interleave. A holder that died leaves a stale lock
 * that proper-lockfile takes over after `stale` ms without updates.
 */
export async function withProjectLock<T>(lockDir: string, work: () => Promise<T>, options: ProjectLockOptions = {}): Promise<T> {
  await mkdir(lockDir, { recursive: true }).catch((error: unknown) => {
    throw fileError(error, lockDir, 'create folder');
  });
  const target = path.join(lockDir, 'mlp-data');
  const lockfilePath = `${target}.lock`;
  const waitMs = options.waitMs ?? staleMs + refreshMs + 3_000;
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(target, {
      realpath: false,
      lockfilePath,
      stale: staleMs,
      update: refreshMs,
      retries: { retries: Math.max(1, Math.ceil(waitMs / 100)), factor: 1, minTimeout: 100, maxTimeout: 100 },
    });
  } catch (error) {
    throw new MlpError(
      'CONFLICT',
      `Another mlp data command holds ${lockfilePath}. Wait for it to finish and retry; if no mlp process runs, the lock clears itself within 10 s.`,
      { cause: error, details: { lock: lockfilePath } },
    );
  }
  try {
    return await work();
  } finally {
    await release().catch(() => {});
  }
}
