import type { DatasetLineage } from '@mlp/core';
import type { DatasetVersion } from '../catalog/catalog-model.js';

export type LineageRole = 'input' | 'output';

export interface RecordUseInput {
  /** The run's id (a tracking run id, or any id a pipeline uses). */
  runId: string;
  /** A reference such as `flights@3`, `flights@latest` or `flights@train-2026-11`, or a version. `latest` and tags are pinned to the version they name now. */
  datasetVersion: string | Pick<DatasetVersion, 'ref'>;
  role: LineageRole;
}

/** One use of a version by a run. */
export interface DatasetVersionUse {
  runId: string;
  role: LineageRole;
  version: DatasetVersion;
  recordedAt: Date;
}

/**
 * Which run consumed or produced which dataset version. Tracking (or any caller) writes through this
 * interface, as core's `DatasetLineage` contract, so this package needs no import of the tracking package.
 */
export interface LineageRecorder extends DatasetLineage {
  /** Records that `runId` used the version; recording the same use twice is a no-op. Returns the pinned use. */
  recordUse(input: RecordUseInput): Promise<DatasetVersionUse>;
  /** Every version the run used, inputs first, in the order recorded. */
  usesOfRun(runId: string): Promise<DatasetVersionUse[]>;
  /** Every run that used the version `ref` names, oldest first. */
  runsOfVersion(ref: string): Promise<DatasetVersionUse[]>;
}

export const lineageRoles: readonly LineageRole[] = ['input', 'output'];
