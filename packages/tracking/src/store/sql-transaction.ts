import type { Database } from '@mlp/core';
import type pg from 'pg';

export interface TransactionOptions {
  /**
   * false: COMMIT returns before the WAL reaches disk. A crash of the server or machine can then lose
   * the last fraction of a second of such commits, never corrupt anything; a killed client loses nothing.
   */
  synchronousCommit?: boolean;
}

/** Runs `work` on one connection inside BEGIN/COMMIT; raw SQL with array parameters needs a plain pg client. */
export async function withTransaction<T>(
  db: Database,
  work: (client: pg.PoolClient) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  const client = await db.connect();
  try {
    // One round trip for both statements (the simple query protocol takes several).
    await client.query(options.synchronousCommit === false ? 'begin; set local synchronous_commit = off' : 'begin');
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
