import { openTestWorkspace, type TestWorkspace } from '@mlp/core/testing';
import { runOnlineStoreContract } from '../testing/online-store-contract.js';
import { openSqlOnlineStore } from './sql-online-store.js';

for (const engine of ['embedded', 'postgres'] as const) {
  runOnlineStoreContract(`workspace database (${engine})`, async () => {
    const test: TestWorkspace = await openTestWorkspace(engine, 'mlp-features-online-');
    return { store: await openSqlOnlineStore(test.workspace), cleanup: () => test.cleanup() };
  });
}
