import { describe, expect, it } from 'vitest';
import type { Experiment, Run } from '../model.js';
import { jsonMetricValue, toExperimentJson, toRunJson } from './json-shapes.js';

const run: Run = {
  runId: 'r1',
  name: 'baseline',
  experimentId: '3',
  userId: 'ada',
  status: 'FINISHED',
  startTime: 1000,
  endTime: 2000,
  artifactUri: 'mlflow-artifacts:/3/r1/artifacts',
  lifecycleStage: 'active',
  parentRunId: null,
  params: { lr: '0.1' },
  metrics: {
    rmse: { key: 'rmse', value: 0.3, timestamp: 5, step: 7 },
    loss: { key: 'loss', value: Number.NaN, timestamp: 5, step: 7 },
  },
  tags: { 'mlflow.runName': 'baseline' },
  inputs: [],
};

describe('toRunJson', () => {
  it("is the issue's shape: snake_case attributes, params, latest metric values, tags", () => {
    expect(toRunJson(run)).toEqual({
      run_id: 'r1',
      run_name: 'baseline',
      experiment_id: '3',
      status: 'FINISHED',
      start_time: 1000,
      end_time: 2000,
      params: { lr: '0.1' },
      metrics: { rmse: 0.3, loss: 'NaN' },
      tags: { 'mlflow.runName': 'baseline' },
    });
  });

  it('survives JSON.stringify without turning NaN into null', () => {
    expect(JSON.parse(JSON.stringify(toRunJson(run))).metrics.loss).toBe('NaN');
  });
});

describe('jsonMetricValue', () => {
  it('passes finite numbers through and names what JSON cannot hold', () => {
    expect(jsonMetricValue(-0.5)).toBe(-0.5);
    expect(jsonMetricValue(Number.NaN)).toBe('NaN');
    expect(jsonMetricValue(Number.POSITIVE_INFINITY)).toBe('Infinity');
    expect(jsonMetricValue(Number.NEGATIVE_INFINITY)).toBe('-Infinity');
  });
});

describe('toExperimentJson', () => {
  it("is MLflow's experiment shape in snake_case", () => {
    const experiment: Experiment = {
      experimentId: '3',
      name: 'churn',
      artifactLocation: 'mlflow-artifacts:/3',
      lifecycleStage: 'deleted',
      creationTime: 10,
      lastUpdateTime: 20,
      tags: { team: 'ml' },
    };
    expect(toExperimentJson(experiment)).toEqual({
      experiment_id: '3',
      name: 'churn',
      lifecycle_stage: 'deleted',
      artifact_location: 'mlflow-artifacts:/3',
      creation_time: 10,
      last_update_time: 20,
      tags: { team: 'ml' },
    });
  });
});
