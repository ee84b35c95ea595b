import { MlpError } from '@mlp/core';
import type { ActiveRun } from '@mlp/tracking';
import type { Table } from './data/table.js';

/** Where the data comes from: in memory, a resolved dataset version, or the spec's file. */
export interface ResolvedData {
  table?: Table;
  dataPath?: string;
  /** The pinned dataset version (`flights@3`) runs record as their input. */
  datasetRef?: string;
}

/** Records the dataset version on the run, through the catalog's lineage when tracking has one. */
export async function recordDataset(run: ActiveRun, data: ResolvedData): Promise<void> {
  if (!data.datasetRef) return;
  try {
    await run.useDataset({ ref: data.datasetRef, context: 'training' });
  } catch (error) {
    if (!MlpError.isInstance(error) || error.code !== 'FAILED_PRECONDITION') throw error;
    run.setTag('mlp.train.dataset', data.datasetRef); // tracking without lineage: keep the reference at least
  }
}
