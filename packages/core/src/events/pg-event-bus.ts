import { sql } from 'drizzle-orm';
import type pg from 'pg';
import type { Database } from '../db/database.js';
import { MlpError } from '../errors/mlp-error.js';
import type { Logger } from '../logger/logger.js';
import type { EventBus, MlpEvent, SubscribeOptions, Subscription } from './event-bus.js';
import { mlpEvents } from './events-schema.js';

/**
 * The NOTIFY channel that wakes subscribers. A package writing an event row inside a statement of its
 * own (one round trip on a hot path) notifies it with `pg_notify(mlpEventsChannel, type)`.
 */
export const mlpEventsChannel = 'mlp_events';
const CHANNEL = mlpEventsChannel;
const EVENT_TYPE = /^[A-Za-z0-9_.:-]{1,200}$/;
const CONSUMER = /^[A-Za-z0-9_.:@/-]{1,200}$/;

/**
 * The outbox event bus on PostgreSQL (embedded or server). Publishing inserts a row and a NOTIFY in
 * the caller's transaction; each subscription holds one connection that LISTENs for wake-ups and an
 * advisory lock on its consumer name, so one process at a time delivers a consumer's events.
 */
export function createPgEventBus(db: Database, logger: Logger): EventBus {
  const subscriptions = new Set<Subscription>();

  return {
    async publish(type, payload, options = {}) {
      if (!EVENT_TYPE.test(type)) {
        throw new MlpError(
          'INVALID_ARGUMENT',
          `Event type ${JSON.stringify(type)} is invalid: use 1 to 200 letters, digits and . _ : - (such as model_version.created).`,
        );
      }
      const executor = options.tx ?? db.drizzle;
      // One round trip for the row and its NOTIFY: publishing sits on hot paths (a pipeline task publishes two).
      const { rows } = await executor.execute<{ id: string | number; created_at: Date }>(
        sql`with event as (
          insert into ${mlpEvents} (type, payload) values (${type}, ${JSON.stringify(payload ?? null)}::jsonb) returning id, created_at
        ) select event.id, event.created_at, pg_notify(${CHANNEL}, ${type}) from event`,
      );
      const row = rows[0];
      if (!row) throw new MlpError('INTERNAL', 'The event insert returned no row.');
      return { id: String(row.id), type, payload, createdAt: new Date(row.created_at) };
    },

    subscribe(options, handler) {
      if (!CONSUMER.test(options.consumer)) {
        throw new MlpError(
          'INVALID_ARGUMENT',
          `Consumer name ${JSON.stringify(options.consumer)} is invalid: use 1 to 200 letters, digits and . _ : @ / -.`,
        );
      }
      const subscription = startSubscription(db, logger, options, handler, () => subscriptions.delete(subscription));
      subscriptions.add(subscription);
      return subscription;
    },

    async close() {
      await Promise.all([...subscriptions].map((subscription) => subscription.close()));
    },
  };
}

interface Position {
  txid: number;
  id: number;
}

function startSubscription(
  db: Database,
  logger: Logger,
  options: SubscribeOptions,
  handler: (event: MlpEvent) => Promise<void> | void,
  onClosed: () => void,
): Subscription {
  const batchSize = options.batchSize ?? 100;
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const retryDelayMs = options.retryDelayMs ?? 1000;
  const types = options.types === '*' ? null : [...options.types];
  const log = logger.child({ consumer: options.consumer });
  const lockKey = `mlp.consumer:${options.consumer}`;

  let closed = false;
  let wake: (() => void) | undefined;
  const nap = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  const onAbort = () => void subscription.close();
  options.signal?.addEventListener('abort', onAbort, { once: true });

  const loop = (async () => {
    let client: pg.PoolClient | undefined;
    try {
      while (!closed) {
        client = await connectAndLock(client);
        if (!client) {
          markReady();
          await nap(pollIntervalMs); // another process delivers this consumer's events; stand by
          continue;
        }
        let position = await loadCursor(db, options.consumer);
        markReady();
        for (;;) {
          if (closed) break;
          const { events, horizon } = await fetchBatch(db, position, types, batchSize);
          for (const event of events) {
            if (closed) break;
            await deliver(event.event);
            position = event.position;
            await saveCursor(db, options.consumer, position);
          }
          if (events.length < batchSize) {
            // Everything up to the horizon has been seen; skip past events of other types for good.
            if (!closed && horizon && isAfter(horizon, position)) {
              position = horizon;
              await saveCursor(db, options.consumer, position);
            }
            break;
          }
        }
        if (!closed) await nap(pollIntervalMs);
      }
    } catch (error) {
      if (!closed) log.error({ err: error }, 'event subscription stopped');
    } finally {
      if (client) {
        await client.query('select pg_advisory_unlock(hashtext($1))', [lockKey]).catch(() => {});
        await client.query(`unlisten ${CHANNEL}`).catch(() => {});
        client.release();
      }
      options.signal?.removeEventListener('abort', onAbort);
      markReady();
      onClosed();
    }
  })();

  async function connectAndLock(current: pg.PoolClient | undefined): Promise<pg.PoolClient | undefined> {
    if (current) return current;
    const client = await db.connect();
    const { rows } = await client.query<{ locked: boolean }>('select pg_try_advisory_lock(hashtext($1)) as locked', [lockKey]);
    if (!rows[0]?.locked) {
      client.release();
      return undefined;
    }
    client.on('notification', () => wake?.());
    await client.query(`listen ${CHANNEL}`);
    return client;
  }

  async function deliver(event: MlpEvent): Promise<void> {
    // At least once: the cursor moves only after the handler succeeds, so a failing event is retried.
    for (;;) {
      try {
        await handler(event);
        return;
      } catch (error) {
        options.onError ? options.onError(error, event) : log.error({ err: error, eventId: event.id }, 'event handler failed; retrying');
        if (closed) throw error;
        await nap(retryDelayMs);
        if (closed) throw error;
      }
    }
  }

  const close = async (): Promise<void> => {
    closed = true;
    wake?.();
    await loop.catch(() => {});
  };
  const subscription: Subscription = { consumer: options.consumer, ready, close, [Symbol.asyncDispose]: close };
  return subscription;
}

async function loadCursor(db: Database, consumer: string): Promise<Position> {
  // A new consumer starts after the last event visible now: triggers react to what happens next.
  const rows = await db.query<{ last_txid: number; last_id: number }>(
    `insert into mlp_event_consumers (consumer, last_txid, last_id)
     select $1, coalesce(max_txid, 0), coalesce(max_id, 0) from (
       select txid as max_txid, id as max_id from mlp_events
       where txid < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
       order by txid desc, id desc limit 1) latest right join (select 1) one on true
     on conflict (consumer) do update set consumer = excluded.consumer
     returning last_txid, last_id`,
    [consumer],
  );
  const row = rows[0];
  if (!row) throw new MlpError('INTERNAL', `No cursor for consumer ${consumer}.`);
  return { txid: Number(row.last_txid), id: Number(row.last_id) };
}

async function saveCursor(db: Database, consumer: string, position: Position): Promise<void> {
  await db.query('update mlp_event_consumers set last_txid = $2, last_id = $3, updated_at = now() where consumer = $1', [
    consumer,
    position.txid,
    position.id,
  ]);
}

const isAfter = (a: Position, b: Position) => a.txid > b.txid || (a.txid === b.txid && a.id > b.id);

/**
 * The next events after `after`, and the horizon: the last event of any type that is final (its
 * transaction and all older ones have ended). One statement, so both share one snapshot.
 */
async function fetchBatch(db: Database, after: Position, types: string[] | null, limit: number) {
  const rows = await db.query<{
    id: number;
    txid: number;
    type: string | null;
    payload: unknown;
    created_at: Date | null;
    horizon: boolean;
  }>(
    `with visible as (select pg_snapshot_xmin(pg_current_snapshot())::text::bigint as xmin),
     batch as (
       select e.id, e.txid, e.type, e.payload, e.created_at, false as horizon from mlp_events e, visible v
       where (e.txid, e.id) > ($1::bigint, $2::bigint) and e.txid < v.xmin
         and ($3::text[] is null or e.type = any($3::text[]))
       order by e.txid, e.id limit $4),
     horizon as (
       select e.id, e.txid, null::text as type, null::jsonb as payload, null::timestamptz as created_at, true as horizon
       from mlp_events e, visible v where e.txid < v.xmin order by e.txid desc, e.id desc limit 1)
     select * from (select * from batch order by txid, id) b
     union all select * from horizon`,
    [after.txid, after.id, types, limit],
  );
  const horizonRow = rows.find((row) => row.horizon);
  return {
    horizon: horizonRow ? { txid: Number(horizonRow.txid), id: Number(horizonRow.id) } : undefined,
    events: rows
      .filter((row) => !row.horizon)
      .map((row) => ({
        position: { txid: Number(row.txid), id: Number(row.id) },
        event: { id: String(row.id), type: row.type as string, payload: row.payload, createdAt: row.created_at as Date } satisfies MlpEvent,
      })),
  };
}
