/** Where a version written by another package came from, recorded with it (its lineage). */
export interface WrittenDatasetSource {
  /** `features`: a training set built from feature views. */
  kind: 'features';
  /** What it was built from, e.g. `features:driver_stats@1,city_stats@2`. */
  uri: string;
}

/**
 * Versions a file as the next version of a dataset. Provided by `@mlp/data-version` (its catalog's
 * `addVersion`), consumed by `@mlp/features` (a training set written as a dataset version, which
 * `mlp train` then reads as `name@latest`).
 */
export interface DatasetVersionWriter {
  /** `path` must lie inside the workspace's data repository (the workspace folder). */
  addVersion(input: { dataset: string; path: string; source?: WrittenDatasetSource; message?: string }): Promise<{
    version: { ref: string; rootHash: string };
  }>;
}
