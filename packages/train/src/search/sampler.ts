import type { Params } from './search-space.js';

export type TrialStatus = 'FINISHED' | 'FAILED' | 'PRUNED' | 'RUNNING';

/** What a search knows about one trial: enough to propose the next one and to resume. */
export interface TrialRecord {
  index: number;
  params: Params;
  status: TrialStatus;
  /** The objective as the metric reads (higher is better only when the search maximizes). */
  value?: number;
  /** The objective's metric after each epoch (1-based: epoch 1 is after the first pass). */
  intermediate?: { epoch: number; value: number }[];
}

/**
 * Proposes a trial's parameters. A proposal depends only on (seed, index, history), never on when it is
 * asked, so a resumed search proposes what an uninterrupted one would have for the same history.
 */
export interface Sampler {
  propose(index: number, history: readonly TrialRecord[]): Params;
}

export type SamplerKind = 'grid' | 'random' | 'tpe';
export type Direction = 'maximize' | 'minimize';
