import type { PredictionLogEntry, PredictionLogQuery, PredictionLogReader } from '@mlp/core';
import { openTestWorkspace, type TestWorkspace } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { categoricalColumnOf, numericColumnOf } from '../drift/column-data.js';
import { DatasetProfile, profileColumnData } from '../profile/dataset-profile.js';
import { foldPredictionLog } from '../profile/fold-predictions.js';
import { detectProfileDrift } from '../profile/profile-drift.js';
import { openProfileStore, type ProfileStore } from './profile-store.js';

const hour = 3_600_000;
const reference = profileColumnData({
  distance: numericColumnOf(Array.from({ length: 5000 }, (_, i) => 100 + ((i * 7919) % 2000))),
  origin: categoricalColumnOf(Array.from({ length: 5000 }, (_, i) => ['ATL', 'ORD', 'LAX'][i % 3])),
  prediction: numericColumnOf(Array.from({ length: 5000 }, (_, i) => (i % 100) / 100)),
});

/** A prediction log in memory with the contract's query semantics (by model, [from, to)). */
function logOf(entries: PredictionLogEntry[]): PredictionLogReader {
  return {
    async *read(query: PredictionLogQuery) {
      for (const entry of entries) if (entry.model === query.model && entry.at >= query.from && entry.at < query.to) yield entry;
    },
  };
}

function entry(at: number, rows: number, shift: number): PredictionLogEntry {
  return {
    at,
    model: 'flights',
    modelVersion: '3',
    requestId: `r-${at}`,
    kind: 'records',
    inputs: Array.from({ length: rows }, (_, i) => ({ distance: 100 + ((i * 7919) % 2000) + shift, origin: ['ATL', 'ORD', 'LAX'][i % 3] })),
    outputs: Array.from({ length: rows }, (_, i) => [(i % 100) / 100]),
    latencyMs: 3,
  };
}

for (const engine of ['embedded', 'postgres'] as const) {
  describe(`profiles stored in the ${engine} workspace database`, () => {
    let test: TestWorkspace;
    let store: ProfileStore;
    beforeAll(async () => {
      test = await openTestWorkspace(engine, 'mlp-monitor-store-');
      store = await openProfileStore(test.workspace);
    });
    afterAll(async () => {
      await test?.cleanup();
    });

    it('keeps one reference per name, replaced when saved again', async () => {
      await store.saveReference('flights', reference);
      const again = await store.saveReference('flights', reference);
      const stored = await store.getReference('flights');
      expect(stored.profileId).toBe(again.profileId);
      expect(stored.profile.toJson()).toEqual(reference.toJson());
      await expect(store.getReference('nope')).rejects.toThrow(/No reference profile named "nope"/);
    });

    it('folds the prediction log into hourly windows that add up across runs and concurrent writers', async () => {
      const log = logOf([entry(0, 200, 0), entry(10, 100, 0), entry(hour + 5, 300, 500), entry(2 * hour, 50, 0)]);
      const written = await foldPredictionLog(log, {
        model: 'flights',
        from: 0,
        to: 2 * hour,
        windowMs: hour,
        reference,
        store,
        name: 'flights-live',
      });
      expect(written.map((window) => [window.window?.start, window.rows])).toEqual([
        [0, 300],
        [hour, 300],
      ]);
      // The same batch folded twice at once: both land.
      const extra = DatasetProfile.windowOf(reference);
      extra.addRows([{ distance: 150, origin: 'ATL', prediction: 0.5 }]);
      await Promise.all([
        store.addToWindow('flights-live', { start: 0, end: hour }, extra),
        store.addToWindow('flights-live', { start: 0, end: hour }, extra),
      ]);
      const windows = await store.listWindows('flights-live');
      expect(windows.map((window) => window.rows)).toEqual([302, 300]);
      const day = await store.mergeWindows('flights-live', { from: 0, to: hour });
      expect(day.rows).toBe(602);

      const calm = detectProfileDrift((await store.getReference('flights')).profile, (windows[0] as { profile: DatasetProfile }).profile);
      expect(calm.datasetDrift).toBe(false);
      const shifted = detectProfileDrift(reference, (windows[1] as { profile: DatasetProfile }).profile);
      expect(shifted.columns.find((column) => column.column === 'distance')).toMatchObject({ test: 'wasserstein', drifted: true });
      expect(shifted.columns.find((column) => column.column === 'prediction')).toMatchObject({ drifted: false });
    });
  });
}
