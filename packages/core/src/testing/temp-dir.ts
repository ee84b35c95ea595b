import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface TempDir {
  path: string;
  remove(): Promise<void>;
}

/**
 * A fresh folder for a test workspace. It is made world-traversable (0755, unlike mkdtemp's 0700)
 * because, under root, the embedded database runs as the `postgres` user and must reach it.
 */
export async function createTempDir(prefix = 'mlp-test-'): Promise<TempDir> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  await chmod(dir, 0o755);
  return { path: dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
