import { MlpError } from '@mlp/core';
import { openTestWorkspace } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqlTrackingStore } from './sql-tracking-store.js';
import type { TrackingStore } from './tracking-store.js';

// One EXISTS per clause made PostgreSQL search join orders over all of them: 50 clauses planned for
// 18 s, 100 for minutes, while the search held a pooled connection. With the old SQL this file's
// 100-clause searches outlast the test timeout; now they are one index probe per clause and run.

const keys = Array.from({ length: 100 }, (_, i) => `p${i}`);
const allX = (n: number) => keys.slice(0, n).map((key) => ({ key, value: 'x' }));

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!MlpError.isInstance(error)) throw new Error(`expected an MlpError, got ${String(error)}`);
  return error.code;
}

function manyClauseSearches(name: string, open: () => Promise<{ store: TrackingStore; cleanup(): Promise<void> }>) {
  describe(`a search with 100 conditions: ${name}`, () => {
    let store: TrackingStore;
    let cleanup: () => Promise<void>;
    let experimentId: string;
    const ids: Record<'all' | 'lastDiffers' | 'oneMissing' | 'metrics', string> = { all: '', lastDiffers: '', oneMissing: '', metrics: '' };

    beforeAll(async () => {
      ({ store, cleanup } = await open());
      experimentId = (await store.createExperiment({ name: 'many-clauses' })).experimentId;
      const run = async (params: { key: string; value: string }[], metrics: { key: string; value: number }[] = []) => {
        const { runId } = await store.createRun({ experimentId });
        await store.logBatch(runId, {
          params,
          metrics: metrics.map((metric) => ({ ...metric, timestamp: 1, step: 0 })),
        });
        return runId;
      };
      ids.all = await run(allX(100));
      ids.lastDiffers = await run([...allX(99), { key: 'p99', value: 'y' }]);
      ids.oneMissing = await run(allX(100).filter((param) => param.key !== 'p50'));
      ids.metrics = await run(
        allX(50),
        keys.slice(0, 50).map((key, i) => ({ key: `m${key}`, value: i })),
      );
    });
    afterAll(async () => cleanup?.());

    async function search(filter: string): Promise<string[]> {
      const page = await store.searchRuns({ experimentIds: [experimentId], filter });
      return page.items.map((item) => item.runId).sort();
    }

    it('finds exactly the runs meeting all 100 param conditions', async () => {
      expect(await search(keys.map((key) => `params.${key} = 'x'`).join(' and '))).toEqual([ids.all]);
    });

    it('mixes 50 param and 50 metric conditions, with != and IS NULL', async () => {
      const params = keys.slice(0, 50).map((key) => `params.${key} = 'x'`);
      const metrics = keys.slice(0, 48).map((key, i) => `metrics.m${key} >= ${i}`);
      expect(await search([...params, ...metrics, 'metrics.mp48 != 0', 'params.p99 IS NULL'].join(' and '))).toEqual([ids.metrics]);
      const notMet = [...params, ...metrics, 'metrics.mp48 != 48', 'params.p99 IS NULL'];
      expect(await search(notMet.join(' and '))).toEqual([]);
    });

    it('refuses 101 conditions with INVALID_ARGUMENT', async () => {
      const filter = [...keys, 'p100'].map((key) => `params.${key} = 'x'`).join(' and ');
      expect(await codeOf(store.searchRuns({ experimentIds: [experimentId], filter }))).toBe('INVALID_ARGUMENT');
    });
  });
}

manyClauseSearches('embedded database', async () => {
  const { workspace, cleanup } = await openTestWorkspace('embedded', 'mlp-tracking-many-');
  return { store: await openSqlTrackingStore(workspace), cleanup };
});

manyClauseSearches('PostgreSQL server', async () => {
  const { workspace, cleanup } = await openTestWorkspace('postgres', 'mlp-tracking-many-pg-');
  return { store: await openSqlTrackingStore(workspace), cleanup };
});
