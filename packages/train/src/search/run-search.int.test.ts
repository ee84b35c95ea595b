import { MlpError } from '@mlp/core';
import { describe, expect, it } from 'vitest';
import { type SearchSpec, searchSchema } from '../spec/train-spec.js';
import type { QuadraticInput } from './fixtures/quadratic-trial.js';
import { type RunSearchOptions, runSearch } from './run-search.js';
import type { TrialRecord } from './sampler.js';
import { gridPoints, type Params } from './search-space.js';
import type { TrialOutcome } from './trial-pool.js';

const fixture = new URL('./fixtures/quadratic-trial.ts', import.meta.url).href;
const space = { x: { type: 'float', low: -2, high: 2 }, y: { type: 'float', low: -2, high: 2 } };

function search(overrides: Record<string, unknown>): SearchSpec {
  return searchSchema.parse({ space, metric: 'val_loss', direction: 'minimize', parallel: 2, ...overrides });
}

/** Options running the quadratic fixture, recording every callback; `misbehave` picks trials to throw or crash. */
function harness(spec: SearchSpec, epochs: number, misbehave: { throwAt?: number; exitAt?: number } = {}) {
  const starts: { index: number; params: Params }[] = [];
  const ends: { record: TrialRecord; outcome: TrialOutcome }[] = [];
  const epochCalls: number[] = [];
  const options: RunSearchOptions = {
    search: spec,
    seed: 5,
    maxEpochs: epochs,
    module: fixture,
    makeInput: (index, params): QuadraticInput => ({
      params: params as QuadraticInput['params'],
      epochs,
      work: 10_000,
      throwAtX: index === misbehave.throwAt ? (params.x as number) : undefined,
      exitAtX: index === misbehave.exitAt ? (params.x as number) : undefined,
    }),
    objective: (result) => (result as { val_loss?: number }).val_loss,
    onTrialStart: async (index, params) => {
      starts.push({ index, params });
    },
    onEpoch: (index) => {
      epochCalls.push(index);
    },
    onTrialEnd: async (record, outcome) => {
      ends.push({ record, outcome });
    },
  };
  return { options, starts, ends, epochCalls };
}

describe('runSearch', () => {
  it('in processes, a throwing and a crashing trial fail and the search goes on to the best finished trial', async () => {
    const run = harness(search({ sampler: 'random', trials: 8, workers: 'processes' }), 3, { throwAt: 2, exitAt: 5 });
    const { trials, best } = await runSearch(run.options);
    expect(trials.map((trial) => trial.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(trials[2]).toMatchObject({ status: 'FAILED' });
    expect(run.ends.find((end) => end.record.index === 2)?.outcome).toMatchObject({ error: { code: 'FAILED_PRECONDITION' } });
    expect(trials[5]).toMatchObject({ status: 'FAILED' });
    expect(run.ends.find((end) => end.record.index === 5)?.outcome).toMatchObject({
      error: { message: expect.stringMatching(/worker exited with code 3/) },
    });
    const finished = trials.filter((trial) => trial.status === 'FINISHED');
    expect(finished).toHaveLength(6);
    for (const trial of finished) {
      const { x, y } = trial.params as { x: number; y: number };
      expect(trial.value).toBeCloseTo((x - 0.3) ** 2 + (y + 0.2) ** 2 + 1 / 3, 6);
      expect(trial.intermediate?.map((point) => point.epoch)).toEqual([1, 2, 3]);
    }
    expect(best?.value).toBe(Math.min(...finished.map((trial) => trial.value as number)));
    expect(run.ends).toHaveLength(8);
  });

  it('in threads with TPE and ASHA, stops some of 12 trials at a rung', async () => {
    const run = harness(
      search({ sampler: 'tpe', trials: 12, startupTrials: 3, pruner: { type: 'asha', minEpochs: 1, reductionFactor: 3 } }),
      9,
    );
    const { trials, best } = await runSearch(run.options);
    expect(trials).toHaveLength(12);
    const pruned = trials.filter((trial) => trial.status === 'PRUNED');
    expect(pruned.length).toBeGreaterThan(0);
    for (const trial of pruned) expect([1, 3]).toContain(trial.intermediate?.at(-1)?.epoch);
    for (const trial of trials.filter((trial) => trial.status === 'FINISHED')) expect(trial.intermediate).toHaveLength(9);
    expect(trials.filter((trial) => trial.status === 'FINISHED').length + pruned.length).toBe(12);
    expect(best?.status).toBe('FINISHED');
  });

  it('resumes an aborted search: ended trials stay, running ones re-run with their params, `trials` in all', async () => {
    const controller = new AbortController();
    const first = harness(search({ sampler: 'tpe', trials: 10, startupTrials: 2 }), 10);
    const onTrialEnd = first.options.onTrialEnd;
    first.options.signal = controller.signal;
    first.options.onTrialEnd = async (record, outcome) => {
      await onTrialEnd(record, outcome);
      if (first.ends.length === 3) controller.abort();
    };
    await expect(runSearch(first.options)).rejects.toSatisfy(
      (error: unknown) => MlpError.isInstance(error) && error.code === 'UNAVAILABLE',
    );

    // The history a tracker would hold: every started trial, ended ones with their record.
    const history = new Map<number, TrialRecord>();
    for (const start of first.starts) history.set(start.index, { index: start.index, params: start.params, status: 'RUNNING' });
    for (const end of first.ends) history.set(end.record.index, end.record);
    const ended = first.ends.map((end) => end.record.index);
    const interrupted = [...history.values()].filter((trial) => trial.status === 'RUNNING');
    expect(ended).toHaveLength(3);
    expect(interrupted.length).toBeGreaterThan(0);

    const second = harness(search({ sampler: 'tpe', trials: 10, startupTrials: 2 }), 10);
    second.options.history = [...history.values()];
    const { trials } = await runSearch(second.options);
    const rerun = second.starts.map((start) => start.index);
    expect(rerun.filter((index) => ended.includes(index))).toEqual([]);
    expect(new Set(rerun).size).toBe(rerun.length);
    expect([...ended, ...rerun].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const trial of interrupted) expect(second.starts.find((start) => start.index === trial.index)?.params).toEqual(trial.params);
    expect(trials.map((trial) => trial.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(trials.every((trial) => trial.status === 'FINISHED')).toBe(true);
  });

  it('runs a grid search over the whole grid, once per point, however many trials were asked', async () => {
    const gridSpace = { x: { type: 'categorical', choices: [0, 0.5, 1] }, y: { type: 'int', low: -1, high: 1 } };
    const spec = search({ sampler: 'grid', trials: 50, space: gridSpace });
    const run = harness(spec, 2);
    const { trials, best } = await runSearch(run.options);
    expect(trials.map((trial) => trial.params)).toEqual(gridPoints(spec.space));
    expect(trials).toHaveLength(9);
    expect(best?.params).toEqual({ x: 0.5, y: 0 });
  });

  it('fails a trial whose result lacks the metric and has no best then', async () => {
    const run = harness(search({ sampler: 'random', trials: 1, parallel: 1 }), 1);
    run.options.objective = () => undefined;
    const { trials, best } = await runSearch(run.options);
    expect(trials[0]?.status).toBe('FAILED');
    expect(run.ends[0]?.outcome).toMatchObject({ status: 'FAILED', error: { code: 'INVALID_ARGUMENT' } });
    expect(best).toBeUndefined();
  });
});
