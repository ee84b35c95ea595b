/** Whether a run read a dataset version (`input`) or wrote it (`output`). */
export type DatasetRole = 'input' | 'output';

/** The version a reference such as `flights@latest` named when the run used it. */
export interface PinnedDatasetVersion {
  /** `name@version`, e.g. `flights@3`. */
  ref: string;
  /** DVC's md5 of the data (`….dir` for a folder). */
  rootHash: string;
  size: number;
  nfiles: number;
  source: { kind: string; uri: string } | null;
  schema: unknown;
}

/**
 * Records which run used which dataset version. Provided by `@mlp/data-version` (its catalog's
 * `lineage`), consumed by `@mlp/tracking` (`run.useDataset`) and `@mlp/monitor` (a model's training data), so neither imports the other.
 */
export interface DatasetLineage {
  /** Records that `runId` used the version `datasetVersion` names now; recording the same use twice is a no-op. */
  recordUse(input: { runId: string; datasetVersion: string; role: DatasetRole }): Promise<{ version: PinnedDatasetVersion }>;
  /** Every version `runId` used, inputs first, in the order recorded: how `@mlp/monitor` finds a model's training data. */
  usesOfRun(runId: string): Promise<Array<{ role: DatasetRole; version: { ref: string } }>>;
}
