import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openWorkspace } from '../src/index.js';
import { createTempDir, type TempDir } from '../src/testing/temp-dir.js';
import { createTestDatabase } from '../src/testing/test-database.js';
import { exitOf, spawnFixture } from './fixtures/run-fixture.js';

const children: ReturnType<typeof spawnFixture>[] = [];
const start = (args: string[]) => {
  const child = spawnFixture('write-without-close', args);
  children.push(child);
  return child;
};

// A script that forgets `workspace.close()` must still end: nothing the user did not ask for keeps
// the event loop alive, and the workspace (with the embedded server it started) is closed on exit.
let dir: TempDir;
beforeEach(async () => {
  dir = await createTempDir('mlp-exit-without-close-');
});
afterEach(async () => {
  // A child that hangs (the regression) must not outlive the test.
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  await dir.remove();
});

describe('a script that never closes its workspace', () => {
  it('exits 0 on the embedded engine, stops the server it started, and the workspace opens again', async () => {
    const child = start([dir.path]);
    expect(await exitOf(child), child.errors()).toBe(0);
    expect(child.output()).toBe('written\n');
    expect(child.errors()).toBe('');
    expect(existsSync(path.join(dir.path, '.mlp', 'db', 'postmaster.pid'))).toBe(false);

    const again = await openWorkspace({ dir: dir.path, logLevel: 'warn' });
    try {
      expect(Buffer.from(await again.blobs.getBytes('notes/left-open.txt')).toString()).toMatch(/never closed/);
      const [row] = await again.db.query<{ n: number }>("select count(*)::int as n from mlp_events where type = 'test.left_open'");
      expect(row?.n).toBe(1);
    } finally {
      await again.close();
    }
  });

  it('exits 0 on a PostgreSQL server', async () => {
    const database = await createTestDatabase('mlp_exit');
    try {
      const child = start([dir.path, database.url]);
      expect(await exitOf(child), child.errors()).toBe(0);
      expect(child.output()).toBe('written\n');
    } finally {
      await database.drop();
    }
  });
});
