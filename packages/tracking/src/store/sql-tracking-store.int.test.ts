import { openTestWorkspace } from '@mlp/core/testing';
import { runTrackingStoreContract } from '../testing/tracking-store-contract.js';
import { openSqlTrackingStore } from './sql-tracking-store.js';

runTrackingStoreContract('sql on the embedded database', async () => {
  const { workspace, cleanup } = await openTestWorkspace('embedded', 'mlp-tracking-embedded-');
  return { store: await openSqlTrackingStore(workspace), cleanup };
});

runTrackingStoreContract('sql on a PostgreSQL server', async () => {
  const { workspace, cleanup } = await openTestWorkspace('postgres', 'mlp-tracking-pg-');
  return { store: await openSqlTrackingStore(workspace), cleanup };
});
