import pg from 'pg';
import { MlpError } from '../errors/mlp-error.js';

export interface QueryLimits {
  /** Cancels the statement in the database when aborted (a server passes its request's). */
  signal?: AbortSignal | undefined;
  /** The database cancels the statement after this long (PostgreSQL's statement_timeout). */
  statementTimeoutMs?: number | undefined;
}

// PostgreSQL's SQLSTATE for a statement cancelled by statement_timeout or a cancel request.
const QUERY_CANCELED = '57014';

/**
 * Runs one statement on its own pooled connection, under a statement timeout, and cancels it in the
 * database when `signal` aborts: closing the socket alone leaves the backend working until done.
 */
export async function limitedQuery<Row extends Record<string, unknown>>(
  pool: pg.Pool,
  text: string,
  params: unknown[] | undefined,
  limits: QueryLimits,
): Promise<Row[]> {
  const { signal, statementTimeoutMs } = limits;
  if (statementTimeoutMs !== undefined && (!Number.isSafeInteger(statementTimeoutMs) || statementTimeoutMs < 1))
    throw new MlpError(
      'INVALID_ARGUMENT',
      `statementTimeoutMs must be a positive whole number of milliseconds, not ${statementTimeoutMs}.`,
    );
  signal?.throwIfAborted();
  const client = await pool.connect();
  let broken: Error | boolean | undefined;
  let cancelling: Promise<void> | undefined;
  const cancel = () => {
    cancelling = cancelBackend(pool, (client as unknown as { processID?: number }).processID);
  };
  try {
    signal?.throwIfAborted();
    if (statementTimeoutMs !== undefined) await client.query(`set statement_timeout = ${statementTimeoutMs}`);
    signal?.addEventListener('abort', cancel, { once: true });
    try {
      return (await client.query<Row>(text, params)).rows;
    } finally {
      signal?.removeEventListener('abort', cancel);
    }
  } catch (error) {
    if ((error as { code?: string }).code !== QUERY_CANCELED) throw error;
    if (signal?.aborted)
      throw new MlpError('UNAVAILABLE', 'The query was cancelled: the request it served was abandoned.', { cause: error });
    throw new MlpError(
      'UNAVAILABLE',
      `The query ran longer than the statement timeout of ${statementTimeoutMs} ms and was cancelled: ` +
        'narrow it (fewer experiments, runs or conditions, a smaller page), or raise the timeout.',
      { cause: error, details: { statementTimeoutMs } },
    );
  } finally {
    if (cancelling) {
      // A cancel that lands late must not hit the next caller's statement: this connection is retired.
      await cancelling;
      broken = true;
    } else if (statementTimeoutMs !== undefined) {
      // A connection whose setting could not be reset is discarded, not handed to the next caller.
      await client.query('reset statement_timeout').catch((error: Error) => {
        broken = error;
      });
    }
    client.release(broken);
  }
}

/** Asks the server to cancel what backend `pid` runs, over a connection of its own: the pool may be full. */
async function cancelBackend(pool: pg.Pool, pid: number | null | undefined): Promise<void> {
  if (!pid) return;
  const canceller = new pg.Client((pool as unknown as { options: pg.ClientConfig }).options);
  try {
    await canceller.connect();
    await canceller.query('select pg_cancel_backend($1)', [pid]);
  } catch {
    // The statement may have ended meanwhile, or the server gone: nothing left to cancel.
  } finally {
    await canceller.end().catch(() => {});
  }
}
