import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createSilentLogger, openWorkspace, type Workspace } from '@mlp/core';
import { createTempDir, createTestDatabase } from '@mlp/core/testing';
import { describe, expect, it } from 'vitest';
import { rawRequest } from '../test-support/raw-request.js';
import { runServer } from './server-commands.js';

/** `runServer` on a fresh workspace, resolved once it listens (its onListening event, not a poll). */
async function startRunServer(options: { tokenFile?: (dir: string) => Promise<string>; allowedHosts?: string; deployAgent?: boolean }) {
  const dir = await createTempDir('mlp-server-cli-');
  const database = await createTestDatabase('mlp_server_cli');
  let workspace: Workspace | undefined;
  const context = {
    options: { logLevel: undefined },
    async openWorkspace() {
      workspace = await openWorkspace({ dir: dir.path, logLevel: 'warn', database: { url: database.url } });
      return workspace;
    },
  };
  const controller = new AbortController();
  const tokenFile = options.tokenFile ? await options.tokenFile(dir.path) : undefined;
  let listening: (url: string) => void = () => {};
  const ready = new Promise<string>((resolve) => {
    listening = resolve;
  });
  const running = runServer(context, {
    host: '127.0.0.1',
    port: '0',
    ...(tokenFile ? { tokenFile } : {}),
    ...(options.allowedHosts ? { allowedHosts: options.allowedHosts } : {}),
    ...(options.deployAgent ? { deployAgent: true } : {}),
    signal: controller.signal,
    logger: createSilentLogger(),
    onListening: listening,
  });
  const ended = running.then(() => {
    throw new Error('runServer ended before it listened');
  });
  const cleanup = async () => {
    controller.abort();
    await running.catch(() => {});
    await workspace?.close();
    await database.drop();
    await dir.remove();
  };
  try {
    const url = await Promise.race([ready, ended]);
    return { url, stop: () => controller.abort(), running, cleanup, workspace: () => workspace as Workspace };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

// What `mlp server` runs: the workspace served until the signal aborts, then everything closed.
describe('runServer', () => {
  it('runs the deployment controller with --deploy-agent (its tables and its alias-event consumer), closed with the server', async () => {
    const server = await startRunServer({ deployAgent: true });
    try {
      const db = server.workspace().db;
      const [tables] = await db.query<{ name: string | null }>(`select to_regclass('deploy_deployments')::text as name`);
      expect(tables?.name).toBe('deploy_deployments');
      for (;;) {
        const rows = await db.query(`select 1 from mlp_event_consumers where consumer = 'deploy.controller'`);
        if (rows.length > 0) break;
        await server.workspace().events.publish('test.nudge', {});
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      server.stop();
      await server.running;
    } finally {
      await server.cleanup();
    }
  });

  it('serves the workspace with the token file until aborted', async () => {
    const server = await startRunServer({
      tokenFile: async (dir) => {
        const file = path.join(dir, 'tokens');
        await writeFile(file, 'cli-token-0123456789abcdef read\n', { mode: 0o600 });
        return file;
      },
    });
    try {
      const unauthenticated = await fetch(`${server.url}/api/2.0/mlflow/experiments/get?experiment_id=0`);
      expect(unauthenticated.status).toBe(401);
      const read = await fetch(`${server.url}/api/2.0/mlflow/experiments/get?experiment_id=0`, {
        headers: { authorization: 'Bearer cli-token-0123456789abcdef' },
      });
      expect(((await read.json()) as { experiment: { name: string } }).experiment.name).toBe('Default');

      server.stop();
      await server.running;
      await expect(fetch(`${server.url}/health`)).rejects.toThrow();
    } finally {
      await server.cleanup();
    }
  });

  it("mounts @mlp/features' online reads: POST /api/2.0/mlp/features/online", async () => {
    const server = await startRunServer({});
    try {
      const answer = await fetch(`${server.url}/api/2.0/mlp/features/online`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ view: 'carrier_stats', entity_keys: [{ carrier: 'AA' }] }),
      });
      expect(answer.status).toBe(404);
      expect(JSON.stringify(await answer.json())).toContain('No feature view carrier_stats');
    } finally {
      await server.cleanup();
    }
  });

  it('answers the host names given with --allowed-hosts, and refuses others', async () => {
    const server = await startRunServer({ allowedHosts: 'mlp.example, .corp.example' });
    try {
      const read = (host: string) =>
        rawRequest(server.url, 'GET', '/api/2.0/mlflow/experiments/get?experiment_id=0', { headers: { host } });
      expect((await read('mlp.example')).status).toBe(200);
      expect((await read('ci.corp.example:5000')).status).toBe(200);
      expect((await read('attacker.example')).status).toBe(403);
    } finally {
      await server.cleanup();
    }
  });

  it('takes the allowed hosts from MLP_SERVER_ALLOWED_HOSTS when the flag is absent', async () => {
    process.env.MLP_SERVER_ALLOWED_HOSTS = 'from-env.example';
    try {
      const server = await startRunServer({});
      try {
        const read = (host: string) =>
          rawRequest(server.url, 'GET', '/api/2.0/mlflow/experiments/get?experiment_id=0', { headers: { host } });
        expect((await read('from-env.example')).status).toBe(200);
        expect((await read('attacker.example')).status).toBe(403);
      } finally {
        await server.cleanup();
      }
    } finally {
      delete process.env.MLP_SERVER_ALLOWED_HOSTS;
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
