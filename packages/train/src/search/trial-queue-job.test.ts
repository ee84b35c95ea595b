import type { JobContext } from '@mlp/core';
import { describe, expect, it } from 'vitest';
import type { QuadraticInput } from './fixtures/quadratic-trial.js';
import type { WorkerMessage } from './trial-protocol.js';
import { decodeTrialValue, encodeTrialValue, runTrialJob, type TrialJobInput } from './trial-queue-job.js';

const fixture = new URL('./fixtures/quadratic-trial.ts', import.meta.url).href;

/** A job context whose replies come from `decide`, recording the reports. */
function context(decide: (epoch: number) => unknown) {
  const reports: { epoch: number; metrics: Record<string, number> }[] = [];
  const value: JobContext = {
    attempt: 1,
    signal: new AbortController().signal,
    report: async (message) => {
      const report = decodeTrialValue(message as string) as { epoch: number; metrics: Record<string, number> };
      reports.push(report);
      return decide(report.epoch);
    },
  };
  return { value, reports };
}

function job(input: QuadraticInput, index = 4): TrialJobInput {
  return { module: fixture, index, input: encodeTrialValue(input) };
}

describe('a trial as a queued job', () => {
  it('carries what JSON cannot (Map, Date, NaN) as text', () => {
    const value = { columns: new Map([['date', [new Date(0), null]]]), loss: Number.NaN, rows: new Float64Array([1, 2]) };
    expect(JSON.parse(JSON.stringify(encodeTrialValue(value)))).toBeTypeOf('string');
    expect(decodeTrialValue(encodeTrialValue(value))).toEqual(value);
  });

  it('reports each epoch through the job and finishes with the trial’s result', async () => {
    const ctx = context(() => 'continue');
    const result = decodeTrialValue(
      (await runTrialJob(job({ params: { x: 0.3, y: -0.2 }, epochs: 3, work: 0 }), ctx.value)) as string,
    ) as WorkerMessage;
    expect(ctx.reports.map((report) => report.epoch)).toEqual([1, 2, 3]);
    expect(result).toEqual({ type: 'finished', index: 4, result: { val_loss: 1 / 3 } });
  });

  it('stops when a reply says prune, and fails with the trial’s error code when it throws', async () => {
    const pruned = context((epoch) => (epoch === 2 ? 'prune' : 'continue'));
    const stopped = decodeTrialValue((await runTrialJob(job({ params: { x: 1, y: 1 }, epochs: 5, work: 0 }), pruned.value)) as string);
    expect(stopped).toEqual({ type: 'pruned', index: 4, epoch: 2 });
    expect(pruned.reports).toHaveLength(2);
    const thrown = decodeTrialValue(
      (await runTrialJob(job({ params: { x: 1, y: 1 }, epochs: 5, work: 0, throwAtX: 1 }), context(() => 'continue').value)) as string,
    );
    expect(thrown).toMatchObject({ type: 'failed', index: 4, error: { code: 'FAILED_PRECONDITION' } });
  });
});
