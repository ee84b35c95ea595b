import type { Database, Logger } from '@mlp/core';

type Connection = Awaited<ReturnType<Database['connect']>>;

/**
 * Which deployments this controller drives. Each is a PostgreSQL session advisory lock on one
 * dedicated connection: exactly one controller on a workspace holds a deployment's lock, and when that
 * controller's process ends (SIGKILL included) its connection closes, the database frees the locks at
 * once, and another controller's next pass takes them over.
 */
export interface DeploymentLeases {
  /**
   * Takes the leases of `names` not held yet (when free), gives up those no longer listed, and checks
   * the connection is alive (a lost connection loses every lease). Returns the names held now.
   */
  hold(names: readonly string[]): Promise<ReadonlySet<string>>;
  /** Gives every lease up (the connection goes back to the pool). */
  close(): Promise<void>;
}

/** The two advisory-lock keys of a deployment's lease: a namespace and the name. */
const lockSql = (fn: 'pg_try_advisory_lock' | 'pg_advisory_unlock') => `select ${fn}(hashtext('mlp.deploy'), hashtext($1)) as ok`;

export function createDeploymentLeases(db: Database, logger: Logger): DeploymentLeases {
  let connection: Connection | undefined;
  let broken = false;
  const held = new Set<string>();

  const drop = (error: unknown) => {
    if (connection) connection.release(error instanceof Error ? error : true);
    connection = undefined;
    broken = false;
    if (held.size > 0) logger.warn(`the deployment controller lost its database connection: it gives up driving ${[...held].join(', ')}`);
    held.clear();
  };

  const connect = async (): Promise<Connection> => {
    if (connection && !broken) return connection;
    if (connection) drop(new Error('connection lost'));
    const fresh = await db.connect();
    // An idle connection's failure is reported here, not thrown: the next pass notices and lets go.
    fresh.on('error', () => {
      if (connection === fresh) broken = true;
    });
    connection = fresh;
    return fresh;
  };

  // Passes may overlap (the poll loop and an event's reconcile): one at a time, as session advisory
  // locks count, and a lock taken twice would need two unlocks.
  let queue: Promise<unknown> = Promise.resolve();
  const serially = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };

  let closed = false;
  const hold = async (names: readonly string[]): Promise<ReadonlySet<string>> => {
    if (closed) return new Set();
    try {
      const client = await connect();
      await client.query('select 1');
      const wanted = new Set(names);
      for (const name of [...held])
        if (!wanted.has(name)) {
          await client.query(lockSql('pg_advisory_unlock'), [name]);
          held.delete(name);
        }
      for (const name of wanted) {
        if (held.has(name)) continue;
        const { rows } = await client.query<{ ok: boolean }>(lockSql('pg_try_advisory_lock'), [name]);
        if (rows[0]?.ok) held.add(name);
      }
    } catch (error) {
      drop(error);
    }
    return new Set(held);
  };

  return {
    hold: (names) => serially(() => hold(names)),
    async close() {
      closed = true;
      await queue;
      if (!connection) return;
      const client = connection;
      connection = undefined;
      held.clear();
      // Ending the session frees its advisory locks, whatever they are.
      client.release(true);
    },
  };
}
