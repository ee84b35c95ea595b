import { describe, expect, it } from 'vitest';
import type { Experiment, Run } from '../model.js';
import { runDetailsTable } from './run-details-table.js';

const run: Run = {
  runId: 'abc',
  name: 'baseline',
  experimentId: '2',
  userId: '',
  status: 'FAILED',
  startTime: Date.UTC(2024, 0, 1),
  endTime: Date.UTC(2024, 0, 1, 0, 0, 3),
  artifactUri: 'mlflow-artifacts:/2/abc/artifacts',
  lifecycleStage: 'active',
  parentRunId: 'parent1',
  params: { z: '1', a: 'two\nlines' },
  metrics: { rmse: { key: 'rmse', value: Number.POSITIVE_INFINITY, timestamp: 0, step: 4 } },
  tags: { 'mlflow.runName': 'baseline' },
  inputs: [],
};

const experiment = { experimentId: '2', name: 'churn' } as Experiment;

describe('runDetailsTable', () => {
  it('lists attributes, then sorted params, metrics with their step, and tags', () => {
    expect(runDetailsTable(run, experiment, 0).rows).toEqual([
      ['run id', 'abc'],
      ['name', 'baseline'],
      ['experiment', '2 (churn)'],
      ['status', 'FAILED'],
      ['lifecycle', 'active'],
      ['start', '2024-01-01T00:00:00Z'],
      ['end', '2024-01-01T00:00:03Z'],
      ['duration', '3.0s'],
      ['parent run', 'parent1'],
      ['artifact uri', 'mlflow-artifacts:/2/abc/artifacts'],
      ['params.a', 'two\\nlines'],
      ['params.z', '1'],
      ['metrics.rmse', 'Infinity (step 4)'],
      ['tags.mlflow.runName', 'baseline'],
    ]);
  });

  it('shows the bare experiment id when the experiment could not be read', () => {
    expect(runDetailsTable({ ...run, parentRunId: null }, undefined, 0).rows).toContainEqual(['experiment', '2']);
    expect(runDetailsTable({ ...run, parentRunId: null }, undefined, 0).rows.map((row) => row[0])).not.toContain('parent run');
  });
});
