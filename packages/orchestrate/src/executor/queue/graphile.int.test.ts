import { openWorkspace, type Workspace } from '@mlp/core';
import { openTestWorkspace, type TestWorkspace } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGraphile } from './graphile.js';

let test: TestWorkspace;
const others: Workspace[] = [];

beforeAll(async () => {
  test = await openTestWorkspace('postgres', 'mlp-orchestrate-graphile-');
  // Separate workspaces (separate pools) on the same fresh database, as separate `mlp worker` processes are.
  for (let i = 0; i < 3; i++)
    others.push(
      await openWorkspace({ dir: test.workspace.config.dir, database: { url: test.workspace.config.database.url }, logLevel: 'warn' }),
    );
});
afterAll(async () => {
  for (const workspace of others) await workspace.close();
  await test?.cleanup();
});

describe('setting up the job queue', () => {
  it('lets several processes set up a fresh database at once: each finds the queue ready', async () => {
    const opened = await Promise.all([test.workspace, ...others].map((workspace) => openGraphile(workspace)));
    try {
      const [schema] = await test.workspace.db.query<{ n: string }>(
        `select count(*) as n from information_schema.tables where table_schema = 'graphile_worker' and table_name = '_private_jobs'`,
      );
      expect(Number(schema?.n)).toBe(1);
      await opened[1]!.utils.addJob('noop', {});
      const [jobs] = await test.workspace.db.query<{ n: string }>(`select count(*) as n from graphile_worker.jobs`);
      expect(Number(jobs?.n)).toBe(1);
    } finally {
      for (const queue of opened) await queue.release();
    }
  });
});
