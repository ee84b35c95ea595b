import type { Database } from '@mlp/core';

/** How long /health waits for a pooled connection and its `select 1`. */
export const healthTimeoutMs = 2000;

/**
 * Whether the pool can serve a request now: a connection within `timeoutMs`, and `select 1` on it.
 * Resolves with what is wrong, or undefined when healthy. A pool whose every connection is held by
 * long queries is as unable to serve as a stopped database, so it is reported the same way.
 */
export async function databaseProblem(db: Database, timeoutMs = healthTimeoutMs): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const pending = db.pool.connect();
  try {
    const client = await Promise.race([pending, deadline]).catch((error: NodeJS.ErrnoException) => error);
    if (client === 'timeout') {
      // Handed back as soon as the pool frees one, so the probe does not keep a slot.
      pending.then(
        (late) => late.release(),
        () => {},
      );
      return `no database connection became free within ${timeoutMs} ms (${db.pool.totalCount} open, ${db.pool.waitingCount} requests waiting)`;
    }
    if (client instanceof Error) return `the database refused a connection (${client.code ?? client.message})`;
    const answered = await Promise.race([client.query('select 1').then(() => 'ok' as const), deadline]).catch(() => 'error' as const);
    // A connection that did not answer is dropped rather than handed to a request.
    client.release(answered !== 'ok');
    if (answered === 'timeout') return `the database did not answer select 1 within ${timeoutMs} ms`;
    if (answered === 'error') return 'the database failed select 1';
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}
