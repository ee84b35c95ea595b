import { createSilentLogger } from '../logger/logger.js';
import { runDatabaseEngineContract } from '../testing/database-engine-contract.js';
import { createTestDatabase } from '../testing/test-database.js';
import { postgresEngine } from './postgres-engine.js';

runDatabaseEngineContract('postgres server', async () => {
  const database = await createTestDatabase();
  return {
    open: () => postgresEngine.open({ url: database.url, stateDir: '/nonexistent', logger: createSilentLogger() }),
    cleanup: () => database.drop(),
  };
});
