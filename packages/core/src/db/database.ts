import type { NodePgDatabase, NodePgQueryResultHKT } from 'drizzle-orm/node-postgres';
import type { PgDatabase } from 'drizzle-orm/pg-core';
import type { Pool, PoolClient } from 'pg';
import type { Logger } from '../logger/logger.js';

/** Anything that runs drizzle queries: the database itself or an open transaction. */
export type DbExecutor = PgDatabase<NodePgQueryResultHKT, Record<string, never>>;

/** An open connection pool to the workspace database, whichever engine serves it. */
export interface Database {
  /** The engine's name: `embedded` or `postgres` (or a plugin's). */
  readonly engine: string;
  /** The URL connected to, with any password masked. */
  readonly displayUrl: string;
  /** Drizzle over the pool: the way packages query their tables. */
  readonly drizzle: NodePgDatabase;
  readonly pool: Pool;
  /**
   * Raw SQL with `$1` parameters, for the few places drizzle does not reach. `limits` cancels the
   * statement in the database when `signal` aborts or after `statementTimeoutMs` (UNAVAILABLE then).
   */
  query<Row extends Record<string, unknown> = Record<string, unknown>>(
    text: string,
    params?: unknown[],
    limits?: { signal?: AbortSignal | undefined; statementTimeoutMs?: number | undefined },
  ): Promise<Row[]>;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: DbExecutor) => Promise<T>): Promise<T>;
  /** A dedicated connection (for LISTEN, advisory locks held across statements); release it when done. */
  connect(): Promise<PoolClient>;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export interface DatabaseOpenOptions {
  url: string;
  /** The workspace's `.mlp` folder, where an embedded engine keeps its files. */
  stateDir: string;
  logger: Logger;
  /** Name sent as `application_name`, visible in `pg_stat_activity`. */
  applicationName?: string;
  signal?: AbortSignal;
}

/** A database engine plugin: it recognises URLs and opens them. */
export interface DatabaseEngine {
  readonly name: string;
  accepts(url: string): boolean;
  open(options: DatabaseOpenOptions): Promise<Database>;
}
