import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './test-support/test-server.js';

// A search held up by a lock on tracking_params stands in for an expensive one: it stays in
// pg_stat_activity until it is cancelled, however loaded the machine is.

const searchSql = '%from tracking_runs r%';

async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setImmediate(resolve));
}

describe('server requests cannot tie up the database', () => {
  let server: TestServer;
  let short: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    short = await startTestServer({ statementTimeoutMs: 300 });
  });
  afterAll(async () => {
    await server?.stop();
    await short?.stop();
  });

  async function lockParams(target: TestServer): Promise<pg.PoolClient> {
    const holder = await target.workspace.db.connect();
    await holder.query('begin; lock table tracking_params in access exclusive mode');
    return holder;
  }
  async function release(holder: pg.PoolClient) {
    await holder.query('rollback');
    holder.release();
  }
  async function runningSearches(target: TestServer): Promise<number> {
    const rows = await target.workspace.db.query<{ n: number }>(
      "select count(*)::int as n from pg_stat_activity where state = 'active' and datname = current_database() and query like $1 and pid <> pg_backend_pid()",
      [searchSql],
    );
    return rows[0]?.n ?? 0;
  }
  async function experiment(target: TestServer): Promise<string> {
    return (await target.tracking.createExperiment({ name: `limits-${Math.random()}` })).experimentId;
  }

  it('cancels the search in the database when the client goes away', async () => {
    const experimentId = await experiment(server);
    const holder = await lockParams(server);
    try {
      const client = new AbortController();
      const request = fetch(`${server.url}/api/2.0/mlflow/runs/search`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ experiment_ids: [experimentId], filter: "params.a = 'x'" }),
        signal: client.signal,
      }).catch((error: unknown) => error);
      await waitFor(async () => (await runningSearches(server)) === 1);
      client.abort();
      await request;
      // Still locked: only the cancel can have ended it.
      await waitFor(async () => (await runningSearches(server)) === 0);
    } finally {
      await release(holder);
    }
  });

  it('answers 503 with what happened when a search outlasts the statement timeout', async () => {
    const experimentId = await experiment(short);
    const holder = await lockParams(short);
    try {
      const response = await short.post('/api/2.0/mlflow/runs/search', { experiment_ids: [experimentId], filter: "params.a = 'x'" });
      expect(response.status).toBe(503);
      expect(response.body.error_code).toBe('TEMPORARILY_UNAVAILABLE');
      expect(response.body.message).toContain('longer than the statement timeout of 300 ms');
    } finally {
      await release(holder);
    }
    expect(await runningSearches(short)).toBe(0);
    const after = await short.post('/api/2.0/mlflow/runs/search', { experiment_ids: [experimentId], filter: "params.a = 'x'" });
    expect(after.status).toBe(200);
  });

  it('/health is 503 while no pooled connection is free, 200 again once one is', async () => {
    expect((await server.get('/health')).status).toBe(200);
    const pool = server.workspace.db.pool;
    const held = await Promise.all(Array.from({ length: pool.options.max }, () => pool.connect()));
    try {
      const response = await server.get('/health');
      expect(response.status).toBe(503);
      expect(String(response.body.text)).toMatch(/^UNAVAILABLE: no database connection became free within 2000 ms/);
    } finally {
      for (const client of held) client.release();
    }
    expect((await server.get('/health')).status).toBe(200);
  });
});
