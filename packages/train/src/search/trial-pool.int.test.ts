import { MlpError } from '@mlp/core';
import { describe, expect, it } from 'vitest';
import type { QuadraticInput } from './fixtures/quadratic-trial.js';
import { runTrialPool, type TrialOutcome } from './trial-pool.js';

const fixture = new URL('./fixtures/quadratic-trial.ts', import.meta.url).href;

function inputs(xs: number[]): QuadraticInput[] {
  return xs.map((x) => ({ params: { x, y: 0 }, epochs: 3, work: 20_000, throwAtX: 7, exitAtX: 9 }));
}

async function runAll(mode: 'threads' | 'processes', xs: number[], prune?: (index: number, epoch: number) => boolean) {
  const queue = inputs(xs).map((input, index) => ({ index, input }));
  const outcomes = new Map<number, TrialOutcome>();
  const epochs = new Map<number, number[]>();
  const started: number[] = [];
  let running = 0;
  let maxRunning = 0;
  await runTrialPool({
    module: fixture,
    parallel: 2,
    mode,
    next: () => queue.shift(),
    onStart: async (index) => {
      started.push(index);
      running++;
      maxRunning = Math.max(maxRunning, running);
    },
    onEpoch: async (index, epoch) => {
      epochs.set(index, [...(epochs.get(index) ?? []), epoch]);
      return prune?.(index, epoch) ? 'prune' : 'continue';
    },
    onEnd: async (index, outcome) => {
      running--;
      outcomes.set(index, outcome);
    },
  });
  return { outcomes, epochs, started, maxRunning };
}

describe.each(['threads', 'processes'] as const)('runTrialPool in %s', (mode) => {
  it('runs every trial two at a time; a throwing trial and a crashing worker fail only their trial', async () => {
    const { outcomes, epochs, started, maxRunning } = await runAll(
      mode,
      [0.3, 7, 1, 9, 2, 0.5],
      (index, epoch) => index === 4 && epoch === 2,
    );
    expect(started.sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(maxRunning).toBe(2);
    expect(outcomes.get(0)).toEqual({ status: 'FINISHED', result: { val_loss: expect.closeTo(0.04 + 1 / 3, 6) } });
    expect(outcomes.get(1)).toEqual({ status: 'FAILED', error: { code: 'FAILED_PRECONDITION', message: 'the fixture throws for x = 7' } });
    expect(outcomes.get(3)).toMatchObject({
      status: 'FAILED',
      error: { code: 'INTERNAL', message: expect.stringMatching(/^worker exited with code 3/) },
    });
    expect(outcomes.get(4)).toEqual({ status: 'PRUNED', epoch: 2 });
    expect(epochs.get(4)).toEqual([1, 2]);
    for (const index of [2, 5]) expect(outcomes.get(index)?.status).toBe('FINISHED');
    expect(epochs.get(5)).toEqual([1, 2, 3]);
  });

  it('on abort terminates its workers, starts no more trials and rejects with UNAVAILABLE', async () => {
    const controller = new AbortController();
    const queue = inputs([1, 2, 3, 4, 5, 6]).map((input, index) => ({ index, input: { ...input, epochs: 50 } }));
    const started: number[] = [];
    const ended: number[] = [];
    const run = runTrialPool({
      module: fixture,
      parallel: 2,
      mode,
      signal: controller.signal,
      next: () => queue.shift(),
      onStart: async (index) => {
        started.push(index);
      },
      onEpoch: (_index, epoch) => {
        if (epoch === 3) controller.abort();
        return 'continue';
      },
      onEnd: async (index) => {
        ended.push(index);
      },
    });
    await expect(run).rejects.toSatisfy((error: unknown) => MlpError.isInstance(error) && error.code === 'UNAVAILABLE');
    expect(started).toEqual([0, 1]);
    expect(ended).toEqual([]);
    expect(queue).toHaveLength(4);
  });
});

describe('runTrialPool', () => {
  it('rejects with the error of a callback that throws', async () => {
    const queue = inputs([1]).map((input, index) => ({ index, input }));
    const run = runTrialPool({
      module: fixture,
      parallel: 1,
      mode: 'threads',
      next: () => queue.shift(),
      onEpoch: () => {
        throw new MlpError('CONFLICT', 'tracking refused the metric');
      },
      onEnd: async () => {},
    });
    await expect(run).rejects.toThrow('tracking refused the metric');
  });

  it('fails a trial whose module has no default export, and names the module', async () => {
    const outcomes: TrialOutcome[] = [];
    const queue = [{ index: 0, input: {} }];
    await runTrialPool({
      module: new URL('./trial-protocol.ts', import.meta.url).href,
      parallel: 1,
      mode: 'threads',
      next: () => queue.shift(),
      onEpoch: () => 'continue',
      onEnd: async (_index, outcome) => {
        outcomes.push(outcome);
      },
    });
    expect(outcomes).toEqual([
      {
        status: 'FAILED',
        error: { code: 'INVALID_ARGUMENT', message: expect.stringContaining('trial-protocol.ts has no default export') },
      },
    ]);
  });
});
