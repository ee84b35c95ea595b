import { describe, expect, it, vi } from 'vitest';
import type { Database } from '../db/database.js';
import { embeddedEngine } from '../db/embedded/embedded-engine.js';
import { applyMigrations } from '../db/migrations.js';
import { postgresEngine } from '../db/postgres-engine.js';
import { migrations } from '../generated/migrations.js';
import { createSilentLogger } from '../logger/logger.js';
import { runEventBusContract } from '../testing/event-bus-contract.js';
import { createTempDir } from '../testing/temp-dir.js';
import { createTestDatabase } from '../testing/test-database.js';
import type { MlpEvent } from './event-bus.js';
import { createPgEventBus } from './pg-event-bus.js';

const logger = createSilentLogger();

async function withBus(open: () => Promise<Database>) {
  const db = await open();
  await applyMigrations(db, migrations);
  const events = createPgEventBus(db, logger);
  return {
    events,
    db,
    async close() {
      await events.close();
      await db.close();
    },
  };
}

runEventBusContract('postgres server', async () => {
  const database = await createTestDatabase();
  return {
    open: () => withBus(() => postgresEngine.open({ url: database.url, stateDir: '/nonexistent', logger })),
    cleanup: () => database.drop(),
  };
});

runEventBusContract('embedded', async () => {
  const dir = await createTempDir('mlp-events-contract-');
  return {
    open: () => withBus(() => embeddedEngine.open({ url: 'embedded', stateDir: dir.path, logger })),
    cleanup: () => dir.remove(),
  };
});

describe('outbox cursor', () => {
  it('moves a filtered consumer past events of other types, so it never rescans them', async () => {
    const database = await createTestDatabase();
    const bus = await withBus(() => postgresEngine.open({ url: database.url, stateDir: '/nonexistent', logger }));
    try {
      const seen: MlpEvent[] = [];
      const subscription = bus.events.subscribe({ consumer: 'rare', types: ['rare.kind'], pollIntervalMs: 50 }, (event) => {
        seen.push(event);
      });
      await new Promise((resolve) => setTimeout(resolve, 150));
      await bus.events.publish('rare.kind', { n: 1 });
      for (let i = 0; i < 30; i++) await bus.events.publish('common.kind', { i });
      await vi.waitFor(async () => {
        const [cursor] = await bus.db.query<{ last_id: number }>("select last_id from mlp_event_consumers where consumer = 'rare'");
        const [latest] = await bus.db.query<{ id: number }>('select max(id) as id from mlp_events');
        expect(cursor?.last_id).toBe(latest?.id);
      });
      await subscription.close();
      expect(seen.map((event) => event.payload)).toEqual([{ n: 1 }]);
    } finally {
      await bus.close();
      await database.drop();
    }
  });
});
