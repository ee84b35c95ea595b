import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MlpError } from '../errors/mlp-error.js';
import { openTestWorkspace } from '../testing/test-workspace.js';
import type { Database } from './database.js';

// pg_sleep stands in for an expensive statement: it runs until cancelled, however loaded the machine.

async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setImmediate(resolve));
}

async function errorOf(promise: Promise<unknown>): Promise<MlpError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!MlpError.isInstance(error)) throw new Error(`expected an MlpError, got ${String(error)}`);
  return error;
}

function limitedQueries(name: string, open: () => Promise<{ db: Database; cleanup(): Promise<void> }>) {
  describe(`Database.query with limits: ${name}`, () => {
    let db: Database;
    let cleanup: () => Promise<void>;
    beforeAll(async () => {
      ({ db, cleanup } = await open());
    });
    afterAll(async () => cleanup?.());

    const sleeping = async () =>
      (
        await db.query<{ n: number }>(
          "select count(*)::int as n from pg_stat_activity where datname = current_database() and state = 'active' and query like 'select pg_sleep(3600)%'",
        )
      )[0]?.n ?? 0;

    it('cancels the statement in the database when the signal aborts', async () => {
      const controller = new AbortController();
      const query = errorOf(db.query('select pg_sleep(3600)', [], { signal: controller.signal }));
      await waitFor(async () => (await sleeping()) === 1);
      controller.abort();
      const error = await query;
      expect(error.code).toBe('UNAVAILABLE');
      expect(error.message).toContain('was cancelled: the request it served was abandoned');
      await waitFor(async () => (await sleeping()) === 0);
    });

    it('cancels it after statementTimeoutMs, saying so, and leaves no timeout on the pooled connection', async () => {
      const error = await errorOf(db.query('select pg_sleep(3600)', [], { statementTimeoutMs: 200 }));
      expect(error.code).toBe('UNAVAILABLE');
      expect(error.message).toContain('longer than the statement timeout of 200 ms');
      expect(await db.query('select 1 as one', [], { statementTimeoutMs: 10_000 })).toEqual([{ one: 1 }]);
      const clients = await Promise.all(Array.from({ length: db.pool.options.max }, () => db.connect()));
      try {
        for (const client of clients) expect((await client.query('show statement_timeout')).rows[0].statement_timeout).toBe('0');
      } finally {
        for (const client of clients) client.release();
      }
    });

    it('does not start when the signal is already aborted', async () => {
      const error = await db.query('select 1', [], { signal: AbortSignal.abort() }).catch((caught: unknown) => caught);
      expect((error as Error).name).toBe('AbortError');
    });
  });
}

limitedQueries('embedded engine', async () => {
  const { workspace, cleanup } = await openTestWorkspace('embedded', 'mlp-limited-query-');
  return { db: workspace.db, cleanup };
});

limitedQueries('PostgreSQL server', async () => {
  const { workspace, cleanup } = await openTestWorkspace('postgres', 'mlp-limited-query-pg-');
  return { db: workspace.db, cleanup };
});
