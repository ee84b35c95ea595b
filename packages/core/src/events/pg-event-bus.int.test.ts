import type { Database } from '../db/database.js';
import { embeddedEngine } from '../db/embedded/embedded-engine.js';
import { applyMigrations } from '../db/migrations.js';
import { postgresEngine } from '../db/postgres-engine.js';
import { migrations } from '../generated/migrations.js';
import { createSilentLogger } from '../logger/logger.js';
import { runEventBusContract } from '../testing/event-bus-contract.js';
import { createTempDir } from '../testing/temp-dir.js';
import { createTestDatabase } from '../testing/test-database.js';
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
