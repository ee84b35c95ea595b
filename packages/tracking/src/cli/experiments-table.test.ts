import { describe, expect, it } from 'vitest';
import { experimentsTable } from './experiments-table.js';

describe('experimentsTable', () => {
  it('lists id, name, lifecycle, creation time and artifact location', () => {
    const table = experimentsTable([
      {
        experimentId: '0',
        name: 'Default',
        artifactLocation: 'mlflow-artifacts:/0',
        lifecycleStage: 'active',
        creationTime: Date.UTC(2024, 1, 3),
        lastUpdateTime: 0,
        tags: {},
      },
    ]);
    expect(table.columns).toEqual(['id', 'name', 'lifecycle', 'created', 'artifact location']);
    expect(table.rows).toEqual([['0', 'Default', 'active', '2024-02-03T00:00:00Z', 'mlflow-artifacts:/0']]);
  });
});
