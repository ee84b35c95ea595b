import { renderTable } from '@mlp/cli';
import { describe, expect, it } from 'vitest';
import type { Run } from '../model.js';
import { compareRuns } from '../sdk/compare-runs.js';
import { comparisonJson, comparisonTable } from './compare-runs.js';

function run(runId: string, params: Record<string, string>, metrics: Record<string, number>): Run {
  return {
    runId,
    name: `run-${runId}`,
    experimentId: '1',
    userId: '',
    status: 'FINISHED',
    startTime: 0,
    endTime: 1,
    artifactUri: '',
    lifecycleStage: 'active',
    parentRunId: null,
    params,
    metrics: Object.fromEntries(Object.entries(metrics).map(([key, value]) => [key, { key, value, timestamp: 0, step: 0 }])),
    tags: {},
    inputs: [],
  };
}

const a = run('aaaaaaaaaa', { lr: '0.1', model: 'mlp' }, { rmse: 0.3, loss: Number.NaN });
const b = run('bbbbbbbbbb', { lr: '0.2', model: 'mlp', extra: 'x' }, { rmse: 0.25, loss: Number.NaN });

describe('comparisonJson', () => {
  it('lines params and latest metrics up by key, null where a run lacks one, and flags differences', () => {
    const comparison = comparisonJson(compareRuns([a, b]));
    expect(comparison.params).toEqual([
      { key: 'extra', values: [null, 'x'], differs: true },
      { key: 'lr', values: ['0.1', '0.2'], differs: true },
      { key: 'model', values: ['mlp', 'mlp'], differs: false },
    ]);
    // Two NaNs are the same value for a comparison.
    expect(comparison.metrics[0]).toEqual({ key: 'loss', values: ['NaN', 'NaN'], differs: false });
    expect(comparison.metrics[1]).toEqual({ key: 'rmse', values: [0.3, 0.25], differs: true });
  });

  it('names the runs and spells NaN as a string', () => {
    const json = comparisonJson(compareRuns([a, b]));
    expect(json.runs).toEqual([
      { run_id: 'aaaaaaaaaa', run_name: 'run-aaaaaaaaaa', experiment_id: '1' },
      { run_id: 'bbbbbbbbbb', run_name: 'run-bbbbbbbbbb', experiment_id: '1' },
    ]);
    expect(json.metrics[0]?.values).toEqual(['NaN', 'NaN']);
  });
});

describe('comparisonTable', () => {
  it('has a column per run, params then metrics as rows, and marks differing params with *', () => {
    const table = comparisonTable(compareRuns([a, b]));
    expect(table.columns).toEqual(['', 'run-aaaaaaaaaa (aaaaaaaa)', 'run-bbbbbbbbbb (bbbbbbbb)']);
    expect(table.rows.map((row) => row[0])).toEqual([
      '* params.extra',
      '* params.lr',
      '  params.model',
      '  metrics.loss',
      '  metrics.rmse',
    ]);
    expect(table.rows[0]).toEqual(['* params.extra', '-', 'x']);
    expect(table.footer).toMatch(/^\* /);
    expect(renderTable(table).split('\n')).toContain('  metrics.rmse  0.3                        0.25');
  });

  it('has no footer when every param agrees', () => {
    expect(comparisonTable(compareRuns([a, a])).footer).toBeUndefined();
  });
});
