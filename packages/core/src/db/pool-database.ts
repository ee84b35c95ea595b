import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { MlpError } from '../errors/mlp-error.js';
import type { Database, DbExecutor } from './database.js';
import { limitedQuery } from './limited-query.js';

// int8 (bigint) columns come back as strings by default; counts and sizes are safe as numbers up to 2^53,
// and ids that could exceed it are read as text by the code that needs them.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => {
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : value;
});

export interface PoolDatabaseOptions {
  engine: string;
  displayUrl: string;
  connection: pg.PoolConfig;
  /** Runs after the pool has ended (an embedded engine releases its server here). */
  onClose?: () => Promise<void>;
}

/** A Database over a `pg` pool; both engines use it, so they differ only in how they find a server. */
export async function openPoolDatabase(options: PoolDatabaseOptions): Promise<Database> {
  // allowExitOnIdle: idle connections (and their idle timers) never keep the process alive; a
  // connection in use does, and a workspace left open is closed when the event loop runs dry.
  const pool = new pg.Pool({ max: 10, idleTimeoutMillis: 30_000, allowExitOnIdle: true, ...options.connection });
  // An idle client losing its server must not crash the process; the next query reports it.
  pool.on('error', () => {});
  try {
    await pool.query('select 1');
  } catch (error) {
    await pool.end().catch(() => {});
    await options.onClose?.();
    throw unreachable(options.displayUrl, error);
  }
  const db = drizzle({ client: pool });
  let closed: Promise<void> | undefined;

  return {
    engine: options.engine,
    displayUrl: options.displayUrl,
    drizzle: db,
    pool,
    async query<Row extends Record<string, unknown>>(text: string, params?: unknown[], limits?: Parameters<Database['query']>[2]) {
      if (limits?.signal || limits?.statementTimeoutMs !== undefined) return limitedQuery<Row>(pool, text, params, limits);
      const result = await pool.query<Row>(text, params);
      return result.rows;
    },
    transaction<T>(work: (tx: DbExecutor) => Promise<T>) {
      return db.transaction((tx) => work(tx as unknown as DbExecutor));
    },
    connect: () => pool.connect(),
    close() {
      closed ??= (async () => {
        await pool.end();
        await options.onClose?.();
      })();
      return closed;
    },
    [Symbol.asyncDispose](this: Database) {
      return this.close();
    },
  };
}

function unreachable(displayUrl: string, error: unknown): MlpError {
  const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  return new MlpError(
    'UNAVAILABLE',
    `Could not connect to the database at ${displayUrl} (${reason}). Check that the server runs and accepts connections, ` +
      'and that MLP_DATABASE_URL or database.url in mlp.config.json is right.',
    { cause: error, details: { url: displayUrl } },
  );
}

/** The URL with its password replaced, safe to print. */
export function maskUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/:\/\/([^:@/]+):[^@/]*@/, '://$1:***@');
  }
}
