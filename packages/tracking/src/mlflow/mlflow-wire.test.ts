import { describe, expect, it } from 'vitest';
import { doubleJson, parseExperiment, parseRun } from './mlflow-wire.js';

describe('MLflow JSON', () => {
  it('reads a run as MLflow writes it, with int64 strings, NaN strings and absent lists', () => {
    const run = parseRun({
      info: {
        run_uuid: 'abc',
        experiment_id: '3',
        user_id: 'ana',
        status: 3,
        start_time: '1700000000000',
        end_time: 1_700_000_000_500,
        artifact_uri: 'mlflow-artifacts:/3/abc/artifacts',
        lifecycle_stage: 'active',
      },
      data: {
        metrics: [
          { key: 'loss', value: 'NaN', timestamp: '5', step: '2' },
          { key: 'acc', value: 0.5, timestamp: 6 },
        ],
        tags: [
          { key: 'mlflow.runName', value: 'first' },
          { key: 'mlflow.parentRunId', value: 'parent' },
        ],
      },
      inputs: {
        dataset_inputs: [
          { tags: [{ key: 'mlflow.data.context', value: 'eval' }], dataset: { name: 'd', digest: 'x', source_type: 's', source: 'u' } },
        ],
      },
    });
    expect(run).toMatchObject({
      runId: 'abc',
      name: 'first',
      experimentId: '3',
      status: 'FINISHED',
      startTime: 1_700_000_000_000,
      endTime: 1_700_000_000_500,
      parentRunId: 'parent',
      params: {},
      inputs: [{ name: 'd', digest: 'x', sourceType: 's', source: 'u', context: 'eval' }],
    });
    expect(run.metrics.loss?.value).toBeNaN();
    expect(run.metrics.loss?.step).toBe(2);
    expect(run.metrics.acc).toEqual({ key: 'acc', value: 0.5, timestamp: 6, step: 0 });
  });

  it('reads a minimal run and experiment', () => {
    const run = parseRun({ info: { run_id: 'r', experiment_id: '0', status: 'RUNNING' } });
    expect(run).toMatchObject({ runId: 'r', endTime: null, parentRunId: null, metrics: {}, tags: {}, inputs: [] });
    expect(parseExperiment({ experiment_id: '1', name: 'e', creation_time: 5 })).toEqual({
      experimentId: '1',
      name: 'e',
      artifactLocation: '',
      lifecycleStage: 'active',
      creationTime: 5,
      lastUpdateTime: 5,
      tags: {},
    });
  });

  it('refuses answers that are not what MLflow sends', () => {
    expect(() => parseRun({})).toThrow(/run.info/);
    expect(() => parseRun({ info: { status: 'DONE' } })).toThrow(/run status/);
    expect(() => parseRun({ info: { status: 1 }, data: { metrics: [{ key: 'm', value: true }] } })).toThrow(/not a number/);
    expect(() => parseExperiment({ creation_time: 'soon' })).toThrow(/not an integer/);
  });

  it('writes NaN and infinities as protobuf strings', () => {
    expect([1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY].map(doubleJson)).toEqual([
      1.5,
      'NaN',
      'Infinity',
      '-Infinity',
    ]);
  });
});
