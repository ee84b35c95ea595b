import type { Table } from './data/table.js';
import type { TrainSpec } from './spec/train-spec.js';
import { type TrainModelResult, trainModel } from './train-model.js';

/** What a search hands each trial's worker: plain data, since it crosses a thread or process boundary. */
export interface TrainTrialInput {
  spec: TrainSpec;
  /** The data, read once by the search (cloned into the worker, cheaper than every trial reading the file). */
  table: Table;
  packageDir: string;
  provenance: Record<string, unknown>;
}

interface TrialContext {
  onEpoch(epoch: number, metrics: Record<string, number>): Promise<'continue' | 'prune'>;
  signal: AbortSignal;
}

/** A search trial, run in a worker: one training; a pruning decision stops it after that epoch. */
export default async function trainTrial(input: TrainTrialInput, context: TrialContext): Promise<TrainModelResult> {
  return trainModel(input.spec, {
    table: input.table,
    packageDir: input.packageDir,
    provenance: input.provenance,
    signal: context.signal,
    onEpoch: async (epoch, metrics) => ((await context.onEpoch(epoch, metrics)) === 'prune' ? 'stop' : undefined),
  });
}
