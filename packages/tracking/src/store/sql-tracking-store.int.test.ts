import { openWorkspace } from '@mlp/core';
import { createTempDir, createTestDatabase } from '@mlp/core/testing';
import { runTrackingStoreContract } from '../testing/tracking-store-contract.js';
import { openSqlTrackingStore } from './sql-tracking-store.js';

runTrackingStoreContract('sql on the embedded database', async () => {
  const dir = await createTempDir('mlp-tracking-embedded-');
  const workspace = await openWorkspace({ dir: dir.path, logLevel: 'warn' });
  return {
    store: await openSqlTrackingStore(workspace),
    async cleanup() {
      await workspace.close();
      await dir.remove();
    },
  };
});

runTrackingStoreContract('sql on a PostgreSQL server', async () => {
  const dir = await createTempDir('mlp-tracking-pg-');
  const database = await createTestDatabase();
  const workspace = await openWorkspace({ dir: dir.path, logLevel: 'warn', database: { url: database.url } });
  return {
    store: await openSqlTrackingStore(workspace),
    async cleanup() {
      await workspace.close();
      await database.drop();
      await dir.remove();
    },
  };
});
