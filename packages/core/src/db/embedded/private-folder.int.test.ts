import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { createSilentLogger } from '../../logger/logger.js';
import { openWorkspace } from '../../workspace/open-workspace.js';

// A workspace inside a folder only its owner may enter, as `mktemp -d` makes them (mode 0700): under
// root, the embedded server runs as `postgres`, which cannot enter it, and must still work there.
let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('opens, writes and reads a workspace in a fresh 0700 mktemp folder, leaving its mode alone', async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'mlp-private-'));
  expect((await stat(dir)).mode & 0o777).toBe(0o700);
  const workspaceDir = path.join(dir, 'project');
  await mkdir(workspaceDir);

  const first = await openWorkspace({ dir: workspaceDir, env: {}, logger: createSilentLogger() });
  try {
    await first.db.query('create table notes (body text)');
    await first.db.query("insert into notes values ('kept')");
  } finally {
    await first.close();
  }
  // A second open starts the stopped server again, from the same private folder.
  const second = await openWorkspace({ dir: workspaceDir, env: {}, logger: createSilentLogger() });
  try {
    expect(await second.db.query('select body from notes')).toEqual([{ body: 'kept' }]);
  } finally {
    await second.close();
  }
  expect((await stat(dir)).mode & 0o777).toBe(0o700);
});
