import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { MlpError } from '../errors/mlp-error.js';

export interface TabularDbOptions {
  /** Worker threads DuckDB may use; DuckDB's default is one per core. */
  threads?: number;
  /** DuckDB's memory limit, as DuckDB writes it (`'2GB'`); its default is 80% of the machine's memory. */
  memoryLimit?: string;
}

/** An in-memory DuckDB that scans files: connections for queries, closed once at the end. */
export interface TabularDb {
  readonly instance: DuckDBInstance;
  connect(): Promise<DuckDBConnection>;
  /** Closes the instance (its connections with it); idempotent. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

type DuckDbModule = typeof import('@duckdb/node-api');

function isMissingDuckDb(error: unknown): boolean {
  const { code, message } = error as NodeJS.ErrnoException;
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && /@duckdb\//.test(String(message));
}

/** DuckDB is an optional peer of @mlp/core: loaded at first use, with an error that says how to install it. */
async function loadDuckDb(): Promise<DuckDbModule> {
  try {
    return await import('@duckdb/node-api');
  } catch (error) {
    if (!isMissingDuckDb(error)) throw error;
    throw new MlpError('FAILED_PRECONDITION', 'Reading tabular files needs DuckDB: run `npm install @duckdb/node-api` in your project.', {
      cause: error,
    });
  }
}

function assertOptions(options: TabularDbOptions): void {
  if (options.threads !== undefined && (!Number.isSafeInteger(options.threads) || options.threads < 1)) {
    throw new MlpError('INVALID_ARGUMENT', `threads must be a whole number ≥ 1, not ${options.threads}.`);
  }
  if (options.memoryLimit !== undefined && !/^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i.test(options.memoryLimit)) {
    throw new MlpError(
      'INVALID_ARGUMENT',
      `memoryLimit ${JSON.stringify(options.memoryLimit)} is not a size: write it as DuckDB does, e.g. '2GB'.`,
    );
  }
}

/** Opens an in-memory DuckDB for scanning files; nothing is persisted. */
export async function openTabularDb(options: TabularDbOptions = {}): Promise<TabularDb> {
  assertOptions(options);
  const { DuckDBInstance } = await loadDuckDb();
  const settings: Record<string, string> = {};
  if (options.threads !== undefined) settings.threads = String(options.threads);
  if (options.memoryLimit !== undefined) settings.memory_limit = options.memoryLimit;
  const instance = await DuckDBInstance.create(':memory:', settings);
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    instance.closeSync();
  };
  return {
    instance,
    async connect() {
      if (closed) throw new MlpError('FAILED_PRECONDITION', 'This DuckDB is closed: open another with openTabularDb().');
      return instance.connect();
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

let shared: Promise<TabularDb> | undefined;

/**
 * A connection to the process's shared DuckDB, opened at first use and never closed: for short scans
 * whose callers hold no DuckDB of their own. Close the connection when done.
 */
export async function connectSharedTabularDb(): Promise<DuckDBConnection> {
  shared ??= openTabularDb().catch((error: unknown) => {
    shared = undefined; // a later call (after installing DuckDB) may try again
    throw error;
  });
  return (await shared).connect();
}
