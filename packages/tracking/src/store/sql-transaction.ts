import type { Database } from '@mlp/core';
import type pg from 'pg';

/** Runs `work` on one connection inside BEGIN/COMMIT; raw SQL with array parameters needs a plain pg client. */
export async function withTransaction<T>(db: Database, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await db.connect();
  try {
    await client.query('begin');
    const result = await work(client);
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
