import { openTestWorkspace } from '@mlp/core/testing';
import { afterAll, beforeAll, describe } from 'vitest';
import { describeLoggedModels } from '../testing/logged-model-contract.js';
import { openSqlTrackingStore } from './sql-tracking-store.js';
import type { TrackingStore } from './tracking-store.js';

for (const engine of ['embedded', 'postgres'] as const) {
  describe(`sql logged models on ${engine === 'embedded' ? 'the embedded database' : 'a PostgreSQL server'}`, () => {
    let store: TrackingStore;
    let cleanup: (() => Promise<void>) | undefined;
    beforeAll(async () => {
      const opened = await openTestWorkspace(engine, `mlp-logged-models-${engine}-`);
      cleanup = opened.cleanup;
      store = await openSqlTrackingStore(opened.workspace);
    });
    afterAll(async () => {
      await cleanup?.();
    });
    describeLoggedModels(() => store);
  });
}
