import { openWorkspace, type Workspace } from '@mlp/core';
import { createTempDir, createTestDatabase, type TempDir, type TestDatabase } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineSuite } from '../suite/suite-builder.js';
import { validate } from '../validate.js';
import { openValidationStore } from './validation-store.js';

const suite = defineSuite('orders')
  .expect('expectColumnValuesToBeBetween', { column: 'amount', minValue: 0 })
  .warn('expectColumnValuesToNotBeNull', { column: 'note' });
const rows = [
  { amount: 5, note: 'a' },
  { amount: -1, note: null },
];

for (const backend of ['embedded', 'postgres'] as const) {
  describe(`validation results stored in the ${backend} workspace database`, () => {
    let dir: TempDir;
    let database: TestDatabase | undefined;
    let workspace: Workspace;
    beforeAll(async () => {
      dir = await createTempDir(`mlp-validate-${backend}-`);
      if (backend === 'postgres') database = await createTestDatabase();
      workspace = await openWorkspace({ dir: dir.path, logLevel: 'warn', ...(database ? { database: { url: database.url } } : {}) });
    });
    afterAll(async () => {
      await workspace?.close();
      await database?.drop();
      await dir?.remove();
    });

    it('stores a result linked to a dataset version and a run, and finds it again', async () => {
      const result = await validate(rows, suite, { workspace, datasetVersion: 'orders@3', runId: 'run-123' });
      expect(result.validationId).toBeTruthy();
      const store = await openValidationStore(workspace);
      const stored = await store.get(result.validationId!);
      expect(stored).toMatchObject({ suiteName: 'orders', success: false, datasetVersion: 'orders@3', runId: 'run-123' });
      expect(stored.result.results[0]).toMatchObject({ unexpectedCount: 1, partialUnexpectedList: [-1] });
      expect((await store.list({ datasetVersion: 'orders@3' })).map((entry) => entry.validationId)).toEqual([result.validationId]);
      expect(await store.list({ runId: 'other' })).toEqual([]);
      const [row] = await workspace.db.query<{ failed: number }>(
        'select count(*)::int as failed from validate_expectation_results where validation_id = $1 and not success',
        [result.validationId],
      );
      expect(row?.failed).toBe(2);
    });

    it('refuses a malformed dataset version and an unknown id', async () => {
      await expect(validate(rows, suite, { workspace, datasetVersion: 'orders' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      const store = await openValidationStore(workspace);
      await expect(store.get('00000000-0000-0000-0000-000000000000')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });
  });
}
