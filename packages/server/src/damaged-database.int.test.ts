import { rm } from 'node:fs/promises';
import path from 'node:path';
import { createSilentLogger, openWorkspace, type Workspace } from '@mlp/core';
import { createTempDir, type TempDir } from '@mlp/core/testing';
import { openSqlTrackingStore } from '@mlp/tracking';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type MlpServer } from './create-server.js';

// A workspace whose database lost a table's file (the embedded engine, a real PostgreSQL cluster in
// .mlp/db), served over real HTTP: clients get what the CLI says, FAILED_PRECONDITION and what to do.
describe('a damaged database over HTTP', () => {
  let temp: TempDir;
  let workspace: Workspace;
  let server: MlpServer;
  let url: string;

  beforeAll(async () => {
    temp = await createTempDir('mlp-server-damaged-');
    workspace = await openWorkspace({ dir: temp.path, env: {}, logger: createSilentLogger() });
    const tracking = await openSqlTrackingStore(workspace);
    await tracking.createExperiment({ name: 'flights' });
    const [row] = await workspace.db.query<{ file: string }>("select pg_relation_filepath('tracking_runs') as file");
    // The server's pool holds no cached page of the table, so the next read opens the file.
    await workspace.db.query('discard all');
    await rm(path.join(temp.path, '.mlp', 'db', row?.file as string));
    server = createServer({ workspace, tracking, logger: createSilentLogger() });
    url = await server.listen({ port: 0 });
  }, 120_000);

  afterAll(async () => {
    await server?.[Symbol.asyncDispose]();
    await workspace?.close();
    await temp?.remove();
  });

  it('answers FAILED_PRECONDITION with what to do, not INTERNAL', async () => {
    const response = await fetch(`${url}/api/2.0/mlflow/runs/search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ experiment_ids: ['1'] }),
    });
    const body = (await response.json()) as Record<string, unknown>;
    expect(body.mlp_error_code).toBe('FAILED_PRECONDITION');
    expect(body.error_code).toBe('INVALID_STATE');
    expect(response.status).toBe(500);
    expect(body.message).toMatch(/The workspace database is damaged/);
    expect(body.message).toContain('mlp doctor');
    // The driver's text (file paths inside the cluster) stays in the server log.
    expect(body.message).not.toContain('could not open file');
  });

  it('stops listening when disposed, as when closed', async () => {
    await server[Symbol.asyncDispose]();
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  });
});
