import type pg from 'pg';

/**
 * Whether a connection's socket keeps the process alive. `pg` clients have `ref()`/`unref()` (pg-pool's
 * allowExitOnIdle uses them) but its type declarations do not list them.
 */
export function setClientRef(client: pg.Client | pg.PoolClient, keepAlive: boolean): void {
  const socket = client as unknown as { ref?(): void; unref?(): void };
  if (keepAlive) socket.ref?.();
  else socket.unref?.();
}
