import { availableParallelism } from 'node:os';
import { type JobQueue, MlpError } from '@mlp/core';
import type { SearchSpec } from '../spec/train-spec.js';
import { type AshaPruner, createAshaPruner } from './asha-pruner.js';
import { createSampler } from './create-sampler.js';
import type { Direction, TrialRecord } from './sampler.js';
import type { Params } from './search-space.js';
import { runTrialPool, type TrialOutcome } from './trial-pool.js';

export interface RunSearchOptions {
  /** The parsed `search` of the spec; `direction` must be set (the caller derives it from the metric). */
  search: SearchSpec;
  seed: number;
  /** A trial's full length in epochs: the pruner's rungs lie below it. */
  maxEpochs: number;
  /** The trials of an interrupted search: finished ones are kept, RUNNING ones re-run with their params. */
  history?: readonly TrialRecord[];
  /** The worker module (absolute path or file URL) whose default export runs a trial. */
  module: string;
  makeInput(index: number, params: Params): unknown;
  /** `search.metric` from a trial's result; undefined or NaN makes the trial FAILED. */
  objective(result: unknown): number | undefined;
  onTrialStart(index: number, params: Params): Promise<void>;
  onEpoch(index: number, epoch: number, metrics: Record<string, number>): Promise<void> | void;
  onTrialEnd(record: TrialRecord, outcome: TrialOutcome): Promise<void>;
  signal?: AbortSignal;
  /** Trials at once: `search.parallel`, or one per core when that is 0. */
  parallel?: number;
  /** Where `search.workers: 'queue'` runs trials (`@mlp/orchestrate`'s queue, through the CLI's `jobQueue` service). */
  jobQueue?: JobQueue;
}

export interface SearchResult {
  /** Every trial, in index order. */
  trials: TrialRecord[];
  /** The best FINISHED trial by `search.direction` (the lowest index on ties). */
  best?: TrialRecord;
}

/**
 * A hyper-parameter search: proposes each trial when a worker frees up, from everything finished by
 * then (so a parallel TPE still conditions on all results), runs it in the trial pool, prunes with
 * ASHA when `search.pruner` asks, and picks the best finished trial. A grid search runs at most the
 * grid's size. Resuming keeps the history's ended trials, re-runs its RUNNING ones at their index
 * with their params, and proposes new ones up to `search.trials` in all.
 */
export async function runSearch(options: RunSearchOptions): Promise<SearchResult> {
  const { search } = options;
  const direction = search.direction;
  if (!direction)
    throw new MlpError(
      'INVALID_ARGUMENT',
      "runSearch needs search.direction ('maximize' or 'minimize'); set it, or derive it from search.metric before the search.",
    );
  const sampler = createSampler(search.sampler, search.space, { seed: options.seed, direction, startupTrials: search.startupTrials });
  const total = sampler.size === undefined ? search.trials : Math.min(search.trials, sampler.size);
  const pruner = createPruner(search, options.maxEpochs, direction);

  const records = new Map<number, TrialRecord>();
  const rerun: TrialRecord[] = [];
  for (const trial of options.history ?? []) {
    if (trial.status === 'RUNNING') rerun.push({ index: trial.index, params: trial.params, status: 'RUNNING' });
    else records.set(trial.index, structuredClone(trial));
  }
  pruner?.restore([...records.values()]);
  const taken = new Set([...records.keys(), ...rerun.map((trial) => trial.index)]);
  const fresh = Array.from({ length: total }, (_, index) => index).filter((index) => !taken.has(index));
  rerun.sort((a, b) => a.index - b.index);

  const ended = () => [...records.values()].filter((trial) => trial.status !== 'RUNNING').sort((a, b) => a.index - b.index);
  const next = (): { index: number; input: unknown } | undefined => {
    const again = rerun.shift();
    const index = again?.index ?? fresh.shift();
    if (index === undefined) return undefined;
    const params = again?.params ?? sampler.propose(index, ended());
    records.set(index, { index, params, status: 'RUNNING', intermediate: [] });
    return { index, input: options.makeInput(index, params) };
  };
  const running = (index: number) => records.get(index) as TrialRecord;

  const toRun = rerun.length + fresh.length;
  const parallel = Math.max(1, Math.min(toRun, options.parallel ?? (search.parallel || availableParallelism())));
  if (toRun > 0)
    await runTrialPool({
      module: options.module,
      parallel,
      mode: search.workers,
      ...(options.jobQueue ? { jobQueue: options.jobQueue } : {}),
      signal: options.signal,
      next,
      onStart: (index) => options.onTrialStart(index, running(index).params),
      onEpoch: async (index, epoch, metrics) => {
        await options.onEpoch(index, epoch, metrics);
        if (!search.metric) return 'continue';
        const value = metrics[search.metric];
        if (value === undefined) {
          if (!pruner) return 'continue';
          throw new MlpError(
            'INVALID_ARGUMENT',
            `the pruner reads '${search.metric}' after each epoch, but trial ${index} reported only ${Object.keys(metrics).join(', ') || 'no metrics'}; name one of these in search.metric.`,
          );
        }
        // A trial run again (its queue worker died) reports its epochs again: keep one value per epoch.
        const points = running(index).intermediate ?? [];
        const seen = points.findIndex((point) => point.epoch === epoch);
        if (seen >= 0) points[seen] = { epoch, value };
        else points.push({ epoch, value });
        return pruner ? pruner.report(index, epoch, value) : 'continue';
      },
      onEnd: async (index, outcome) => {
        const record = running(index);
        let reported = outcome;
        if (outcome.status === 'FINISHED') {
          const value = options.objective(outcome.result);
          if (value === undefined || Number.isNaN(value)) {
            reported = {
              status: 'FAILED',
              error: {
                code: 'INVALID_ARGUMENT',
                message: `trial ${index} finished without a value for the search metric${search.metric ? ` '${search.metric}'` : ''}; the trial must log it.`,
              },
            };
            record.status = 'FAILED';
          } else {
            record.status = 'FINISHED';
            record.value = value;
          }
        } else record.status = outcome.status;
        await options.onTrialEnd(structuredClone(record), reported);
      },
    });

  const trials = [...records.values()].sort((a, b) => a.index - b.index);
  return { trials, best: bestTrial(trials, direction) };
}

function createPruner(search: SearchSpec, maxEpochs: number, direction: Direction): AshaPruner | undefined {
  if (search.pruner === 'none') return undefined;
  if (!search.metric)
    throw new MlpError(
      'INVALID_ARGUMENT',
      'the ASHA pruner compares trials on search.metric after each epoch; set search.metric (val_loss, val_auc, …).',
    );
  return createAshaPruner({ minEpochs: search.pruner.minEpochs, reductionFactor: search.pruner.reductionFactor, maxEpochs, direction });
}

/** The best FINISHED trial by direction, the lowest index on ties. */
export function bestTrial(trials: readonly TrialRecord[], direction: Direction): TrialRecord | undefined {
  let best: TrialRecord | undefined;
  for (const trial of trials) {
    if (trial.status !== 'FINISHED' || trial.value === undefined || Number.isNaN(trial.value)) continue;
    const better =
      best === undefined || (direction === 'maximize' ? trial.value > (best.value as number) : trial.value < (best.value as number));
    if (better || (best && trial.value === best.value && trial.index < best.index)) best = trial;
  }
  return best;
}
