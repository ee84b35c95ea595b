import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createSilentLogger, openWorkspace, type Workspace } from '@mlp/core';
import { createTempDir, createTestDatabase } from '@mlp/core/testing';
import { describe, expect, it } from 'vitest';
import { runServer } from './server-commands.js';

// What `mlp server` runs: the workspace served until the signal aborts, then everything closed.
describe('runServer', () => {
  it('serves the workspace with the token file until aborted', async () => {
    const dir = await createTempDir('mlp-server-cli-');
    const database = await createTestDatabase('mlp_server_cli');
    const tokenFile = path.join(dir.path, 'tokens');
    await writeFile(tokenFile, 'cli-token-0123456789abcdef read\n', { mode: 0o600 });
    let workspace: Workspace | undefined;
    const context = {
      options: { logLevel: undefined },
      async openWorkspace() {
        workspace = await openWorkspace({ dir: dir.path, logLevel: 'warn', database: { url: database.url } });
        return workspace;
      },
    };
    const controller = new AbortController();
    let url = '';
    try {
      const running = runServer(context, {
        host: '127.0.0.1',
        port: '0',
        tokenFile,
        signal: controller.signal,
        logger: createSilentLogger(),
        onListening: (listening) => {
          url = listening;
        },
      });
      await expect.poll(() => url).not.toBe('');
      const unauthenticated = await fetch(`${url}/api/2.0/mlflow/experiments/get?experiment_id=0`);
      expect(unauthenticated.status).toBe(401);
      const read = await fetch(`${url}/api/2.0/mlflow/experiments/get?experiment_id=0`, {
        headers: { authorization: 'Bearer cli-token-0123456789abcdef' },
      });
      expect(((await read.json()) as { experiment: { name: string } }).experiment.name).toBe('Default');

      controller.abort();
      await running;
      await expect(fetch(`${url}/health`)).rejects.toThrow();
    } finally {
      await workspace?.close();
      await database.drop();
      await dir.remove();
    }
  });

  it('refuses a port that is not a number before opening anything', async () => {
    let opened = false;
    const context = {
      options: { logLevel: undefined },
      openWorkspace: async () => {
        opened = true;
        throw new Error('should not open');
      },
    };
    await expect(runServer(context, { host: '127.0.0.1', port: 'http', signal: new AbortController().signal })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    expect(opened).toBe(false);
  });
});
