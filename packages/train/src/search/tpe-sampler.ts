import type { ParamDistribution } from '../spec/train-spec.js';
import { categoricalParzen, numericParzen, observationWeights, type ParzenEstimator } from './parzen-estimator.js';
import { sampleUniform } from './random-sampler.js';
import type { Direction, Sampler, TrialRecord } from './sampler.js';
import { type Params, type SearchSpace, validateSpace } from './search-space.js';
import { trialRandom } from './trial-random.js';

export interface TpeOptions {
  seed: number;
  direction: Direction;
  /** Trials drawn at random before the model takes over (Optuna's n_startup_trials). */
  startupTrials: number;
  /** Candidates drawn from the good estimator per parameter (Optuna's n_ei_candidates). */
  candidates?: number;
}

/** Optuna's default γ: the best 10 % of the trials, at most 25, are the good ones. */
export function tpeGamma(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25);
}

/**
 * The Tree-structured Parzen Estimator, univariate, as Optuna's TPESampler with its defaults: after
 * `startupTrials` random trials, the finished and pruned trials split into good (the best γ(n)) and bad;
 * per parameter, a Parzen estimator l(x) of the good and g(x) of the bad; the proposal is the one of 24
 * draws from l that maximizes l(x)/g(x). Pruned trials rank after every finished one, the ones that got
 * further first (Optuna's order), so a search with a pruner still learns from the trials it stopped.
 */
export function createTpeSampler(space: SearchSpace, options: TpeOptions): Sampler {
  validateSpace(space);
  const candidates = options.candidates ?? 24;
  return {
    propose(index, history) {
      const observed = history.filter(isObservation);
      if (observed.length < options.startupTrials) {
        const random = trialRandom(options.seed, index);
        return Object.fromEntries(Object.entries(space).map(([name, distribution]) => [name, sampleUniform(distribution, random)]));
      }
      const { good, bad } = splitTrials(observed, options.direction);
      const random = trialRandom(options.seed, index, 1);
      const params: Params = {};
      for (const [name, distribution] of Object.entries(space)) {
        const below = estimator(distribution, name, good);
        const above = estimator(distribution, name, bad);
        let best = below.sample(random);
        let bestScore = Number.NEGATIVE_INFINITY;
        for (let i = 0; i < candidates; i++) {
          const x = i === 0 ? best : below.sample(random);
          const score = below.logPdf(x) - above.logPdf(x);
          if (score > bestScore) {
            best = x;
            bestScore = score;
          }
        }
        params[name] = fromInternal(distribution, best);
      }
      return params;
    },
  };
}

function isObservation(trial: TrialRecord): boolean {
  if (trial.status === 'FINISHED') return trial.value !== undefined && Number.isFinite(trial.value);
  return trial.status === 'PRUNED' && lastIntermediate(trial) !== undefined;
}

function lastIntermediate(trial: TrialRecord): { epoch: number; value: number } | undefined {
  let last: { epoch: number; value: number } | undefined;
  for (const point of trial.intermediate ?? []) if (Number.isFinite(point.value) && (!last || point.epoch >= last.epoch)) last = point;
  return last;
}

/** Good: the best γ(n) finished trials, then (if too few) pruned ones that went furthest; both in index order. */
function splitTrials(observed: readonly TrialRecord[], direction: Direction): { good: TrialRecord[]; bad: TrialRecord[] } {
  const sign = direction === 'maximize' ? -1 : 1;
  const finished = observed
    .filter((trial) => trial.status === 'FINISHED')
    .sort((a, b) => sign * ((a.value as number) - (b.value as number)) || a.index - b.index);
  const pruned = observed
    .filter((trial) => trial.status === 'PRUNED')
    .sort((a, b) => {
      const last = lastIntermediate(a) as { epoch: number; value: number };
      const other = lastIntermediate(b) as { epoch: number; value: number };
      return other.epoch - last.epoch || sign * (last.value - other.value) || a.index - b.index;
    });
  const ranked = [...finished, ...pruned];
  const n = tpeGamma(observed.length);
  const byIndex = (a: TrialRecord, b: TrialRecord) => a.index - b.index;
  return { good: ranked.slice(0, n).sort(byIndex), bad: ranked.slice(n).sort(byIndex) };
}

/** The estimator of one parameter over some trials, in the sampler's internal space (log, category index). */
function estimator(distribution: ParamDistribution, name: string, trials: readonly TrialRecord[]): ParzenEstimator {
  const observations: number[] = [];
  for (const trial of trials) {
    if (!(name in trial.params)) continue;
    const x = toInternal(distribution, trial.params[name]);
    if (x !== undefined) observations.push(x);
  }
  const weights = observationWeights(observations.length);
  if (distribution.type === 'categorical') return categoricalParzen(observations, weights, distribution.choices.length);
  const { low, high } = internalBounds(distribution);
  return numericParzen(observations, weights, low, high);
}

function internalBounds(distribution: Exclude<ParamDistribution, { type: 'categorical' }>): { low: number; high: number } {
  // An int owns the half-step either side of it, so the ends get as much mass as the middle values.
  const pad = distribution.type === 'int' ? (distribution.log ? 0.5 : distribution.step / 2) : 0;
  const low = distribution.low - pad;
  const high = distribution.high + pad;
  return distribution.log ? { low: Math.log(low), high: Math.log(high) } : { low, high };
}

function toInternal(distribution: ParamDistribution, value: unknown): number | undefined {
  if (distribution.type === 'categorical') {
    const key = JSON.stringify(value);
    const index = distribution.choices.findIndex((choice) => choice === value || JSON.stringify(choice) === key);
    return index < 0 ? undefined : index;
  }
  if (typeof value !== 'number' || !Number.isFinite(value) || value < distribution.low || value > distribution.high) return undefined;
  return distribution.log ? Math.log(value) : value;
}

function fromInternal(distribution: ParamDistribution, x: number): unknown {
  if (distribution.type === 'categorical') return distribution.choices[x];
  const value = distribution.log ? Math.exp(x) : x;
  if (distribution.type === 'float') return Math.min(distribution.high, Math.max(distribution.low, value));
  const steps = Math.round((value - distribution.low) / distribution.step);
  return Math.min(
    distribution.high - ((distribution.high - distribution.low) % distribution.step),
    Math.max(distribution.low, distribution.low + steps * distribution.step),
  );
}
