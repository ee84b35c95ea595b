import { MlpError } from '@mlp/core';
import type { Direction, TrialRecord } from './sampler.js';

export interface AshaOptions {
  /** The first rung: epochs every trial runs before it can be stopped. */
  minEpochs: number;
  /** Each rung keeps the best 1/reductionFactor and sits reductionFactor times further. */
  reductionFactor: number;
  /** A trial's full length: rungs lie below it. */
  maxEpochs: number;
  direction: Direction;
}

export interface AshaPruner {
  /** The decision after `trial` reported `value` for `epoch` (1-based, epochs completed). */
  report(trial: number, epoch: number, value: number): 'continue' | 'prune';
  /** Refills the rungs from the trials of an interrupted search (RUNNING ones re-run and report again). */
  restore(history: readonly TrialRecord[]): void;
  /** The epochs at which trials are compared. */
  readonly rungs: readonly number[];
}

/** The rung epochs minEpochs·rf^k that lie below maxEpochs. */
export function ashaRungs(minEpochs: number, reductionFactor: number, maxEpochs: number): number[] {
  const rungs: number[] = [];
  for (let epoch = minEpochs; epoch < maxEpochs; epoch *= reductionFactor) rungs.push(epoch);
  return rungs;
}

/**
 * Asynchronous successive halving (Li et al., ASHA; Optuna's SuccessiveHalvingPruner): when a trial
 * reaches a rung it goes on iff its value is among the top 1/rf of every value recorded at that rung
 * so far, its own included (while a rung holds fewer than rf values, only the best so far goes on).
 * Nobody waits for a rung to fill, so early trials are judged against few others. A trial that reports
 * past a rung without reporting at it is judged there with the value it reports. NaN is pruned.
 */
export function createAshaPruner(options: AshaOptions): AshaPruner {
  if (!Number.isInteger(options.minEpochs) || options.minEpochs < 1)
    throw new MlpError(
      'INVALID_ARGUMENT',
      `the ASHA pruner's minEpochs is ${options.minEpochs}; give a whole number of epochs, 1 or more.`,
    );
  if (!Number.isInteger(options.reductionFactor) || options.reductionFactor < 2)
    throw new MlpError(
      'INVALID_ARGUMENT',
      `the ASHA pruner's reductionFactor is ${options.reductionFactor}; give a whole number, 2 or more.`,
    );
  const rungs = ashaRungs(options.minEpochs, options.reductionFactor, options.maxEpochs);
  const sign = options.direction === 'maximize' ? -1 : 1;
  /** Per rung, the value of each trial judged there. */
  const recorded = rungs.map(() => new Map<number, number>());
  const pruned = new Set<number>();

  const promotable = (rung: number, value: number): boolean => {
    const values = [...(recorded[rung] as Map<number, number>).values()].sort((a, b) => sign * (a - b));
    const cutoff = Math.max(0, Math.floor(values.length / options.reductionFactor) - 1);
    return sign * (value - (values[cutoff] as number)) <= 0;
  };

  return {
    rungs,
    report(trial, epoch, value) {
      if (pruned.has(trial)) return 'prune';
      if (Number.isNaN(value)) {
        pruned.add(trial);
        return 'prune';
      }
      for (let rung = 0; rung < rungs.length && (rungs[rung] as number) <= epoch; rung++) {
        const seen = recorded[rung] as Map<number, number>;
        if (seen.has(trial)) continue;
        seen.set(trial, value);
        if (!promotable(rung, value)) {
          pruned.add(trial);
          return 'prune';
        }
      }
      return 'continue';
    },
    restore(history) {
      for (const trial of history) {
        if (trial.status === 'RUNNING') continue;
        const points = [...(trial.intermediate ?? [])].sort((a, b) => a.epoch - b.epoch);
        rungs.forEach((rungEpoch, rung) => {
          const point = points.find((p) => p.epoch >= rungEpoch);
          if (point && !Number.isNaN(point.value)) (recorded[rung] as Map<number, number>).set(trial.index, point.value);
        });
        if (trial.status === 'PRUNED') pruned.add(trial.index);
      }
    },
  };
}
