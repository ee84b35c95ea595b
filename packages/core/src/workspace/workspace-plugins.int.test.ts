import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSilentLogger } from '../logger/logger.js';
import { createTempDir, type TempDir } from '../testing/temp-dir.js';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.js';
import { openWorkspace } from './open-workspace.js';

let temp: TempDir;
let database: TestDatabase;
beforeAll(async () => {
  [temp, database] = await Promise.all([createTempDir('mlp-workspace-plugins-'), createTestDatabase()]);
  // A blob driver from a plugin module: the workspace's blob store is opened by it, so it is loaded first.
  await writeFile(
    path.join(temp.path, 'probe-plugin.mjs'),
    `export function register(plugins) {
      plugins.register('blobDriver', { name: 'probe', schemes: ['probe'], open: async (url) => ({ probeUrl: url }) });
    }\n`,
  );
  await writeFile(
    path.join(temp.path, 'mlp.config.json'),
    JSON.stringify({ database: { url: database.url }, blobs: { url: 'probe://bucket' }, plugins: ['./probe-plugin.mjs'] }),
  );
});
afterAll(async () => {
  await database?.drop();
  await temp?.remove();
});

it('loads the plugin modules mlp.config.json lists into workspace.plugins, before the blob store is opened', async () => {
  const workspace = await openWorkspace({ dir: temp.path, env: {}, logger: createSilentLogger() });
  try {
    expect(workspace.config.plugins).toEqual(['./probe-plugin.mjs']);
    expect(workspace.plugins.get('blobDriver', 'probe').schemes).toEqual(['probe']);
    expect(workspace.blobs).toEqual({ probeUrl: 'probe://bucket' });
  } finally {
    await workspace.close();
  }
});
