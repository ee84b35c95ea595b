import type { PredictionLogEntry } from '@mlp/core';
import { describe, expect, it } from 'vitest';
import { categoricalColumnOf, numericColumnOf } from '../drift/column-data.js';
import { profileColumnData } from '../profile/dataset-profile.js';
import { detectProfileDrift } from '../profile/profile-drift.js';
import type { LabelStore } from './label-store.js';
import { labelledWindowProfile } from './labelled-window.js';

// The label store here is a map (its SQL backend is tested in model-quality.int.test.ts).
const storeOf = (labels: Record<string, number>): LabelStore => ({
  add: async () => 0,
  count: async () => Object.keys(labels).length,
  get: async (_deployment, ids) => new Map(ids.filter((id) => id in labels).map((id) => [id, labels[id] as number])),
});

describe('a labelled window profile', () => {
  it('folds the labels into the target column, so the profile drift names the target and prediction drift', async () => {
    // Reference: half late (1); the window: 80 requests predicted 1, 60 of them labelled 1, 20 without a label.
    const reference = profileColumnData({
      distance: numericColumnOf(Array.from({ length: 2000 }, (_, i) => 100 + (i % 40))),
      prediction: numericColumnOf(Array.from({ length: 2000 }, (_, i) => i % 2)),
      target: numericColumnOf(Array.from({ length: 2000 }, (_, i) => i % 2)),
      origin: categoricalColumnOf(Array.from({ length: 2000 }, (_, i) => (i % 2 ? 'SEA' : 'SFO'))),
    });
    const entries: PredictionLogEntry[] = Array.from({ length: 80 }, (_, i) => ({
      at: i,
      model: 'm',
      modelVersion: '1',
      requestId: `r${i}`,
      kind: 'records',
      inputs: [{ distance: 100 + (i % 40), origin: i % 2 ? 'SEA' : 'SFO' }],
      outputs: [1],
      latencyMs: 1,
    }));
    const labels = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`r${i}`, 1]));
    const window = await labelledWindowProfile(
      {
        async *read() {
          yield* entries;
        },
      },
      { labels: storeOf(labels), model: 'm', from: 0, to: 100, reference },
    );
    const target = window.columns.get('target');
    expect([target?.count, target?.nulls]).toEqual([60, 20]);
    const result = detectProfileDrift(reference, window);
    expect(result.target).toMatchObject({ column: 'target', drifted: true, current: { count: 60, nulls: 20 } });
    expect(result.prediction).toMatchObject({ column: 'prediction', drifted: true });
    expect(result.columns.find((column) => column.column === 'distance')?.drifted).toBe(false);
  });
});
