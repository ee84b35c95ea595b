import { renderTable } from '@mlp/cli';
import { describe, expect, it } from 'vitest';
import type { Run } from '../model.js';
import { chooseMetricColumns, runsTable } from './runs-table.js';

function run(runId: string, metrics: Record<string, number>, overrides: Partial<Run> = {}): Run {
  return {
    runId,
    name: `name-${runId}`,
    experimentId: '1',
    userId: '',
    status: 'FINISHED',
    startTime: Date.UTC(2024, 0, 2, 3, 4, 5),
    endTime: Date.UTC(2024, 0, 2, 3, 4, 5) + 90_000,
    artifactUri: `mlflow-artifacts:/1/${runId}/artifacts`,
    lifecycleStage: 'active',
    parentRunId: null,
    params: {},
    metrics: Object.fromEntries(Object.entries(metrics).map(([key, value]) => [key, { key, value, timestamp: 0, step: 0 }])),
    tags: {},
    inputs: [],
    ...overrides,
  };
}

describe('chooseMetricColumns', () => {
  it('puts ordered-by metrics first, then the most common, then by name, at most four', () => {
    const runs = [
      run('a', { acc: 1, loss: 1, f1: 1, zeta: 1, rare: 1 }),
      run('b', { acc: 1, loss: 1, f1: 1, zeta: 1 }),
      run('c', { loss: 1 }),
    ];
    expect(chooseMetricColumns(runs, ['rare'])).toEqual(['rare', 'loss', 'acc', 'f1']);
  });

  it('ignores preferred keys that no run has', () => {
    expect(chooseMetricColumns([run('a', { acc: 1 })], ['missing'])).toEqual(['acc']);
  });
});

describe('runsTable', () => {
  it('lists id, name, status, start, duration and metrics, with - where a run lacks one', () => {
    const table = runsTable([run('a', { rmse: 0.25 }), run('b', {}, { status: 'RUNNING', endTime: null })], {
      now: Date.UTC(2024, 0, 2, 3, 4, 5) + 5000,
    });
    expect(table.columns).toEqual(['run id', 'name', 'status', 'start', 'duration', 'rmse']);
    expect(table.rows).toEqual([
      ['a', 'name-a', 'FINISHED', '2024-01-02T03:04:05Z', '1m 30s', '0.25'],
      ['b', 'name-b', 'RUNNING', '2024-01-02T03:04:05Z', '5.0s', '-'],
    ]);
    expect(renderTable(table).split('\n')[0]).toBe('run id  name    status    start                 duration  rmse');
  });

  it('says when the list was cut at the limit', () => {
    expect(runsTable([run('a', {})], { now: 0, truncatedAt: 1 }).footer).toMatch(/first 1 runs.*--limit/);
    expect(runsTable([run('a', {})], { now: 0 }).footer).toBeUndefined();
  });
});
