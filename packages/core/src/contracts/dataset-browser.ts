import type { DatasetRole } from './dataset-lineage.js';

/** A dataset version as a reader sees it (the shape of `@mlp/data-version`'s `DatasetVersion`). */
export interface BrowsedDatasetVersion {
  dataset: string;
  version: number;
  /** `name@version`. */
  ref: string;
  rootHash: string;
  size: number;
  nfiles: number;
  path: string;
  format: string | null;
  /** Columns and row count of a tabular version. */
  schema: { format: string; columns: Array<{ name: string; type: string }>; rowCount: number } | null;
  /** Where the data came from: `query` is a PostgreSQL source's SQL, `etag` the origin's when it gave one. */
  source: { kind: string; uri: string; query?: string; etag?: string } | null;
  message: string;
  tags: string[];
  createdBy: string;
  createdAt: Date;
}

export interface BrowsedDataset {
  name: string;
  description: string;
  createdBy: string;
  createdAt: Date;
}

export interface BrowsedDatasetSummary extends BrowsedDataset {
  versionCount: number;
  latest: BrowsedDatasetVersion | null;
}

/** One run's use of a dataset version. */
export interface BrowsedDatasetUse {
  runId: string;
  role: DatasetRole;
  version: BrowsedDatasetVersion;
  recordedAt: Date;
}

/**
 * Reads the dataset catalog: datasets, versions with their schema summaries, and which runs used a
 * version. Provided by `@mlp/data-version` (its catalog satisfies it), consumed by `@mlp/server`'s
 * web UI, so the server needs no import of the data-version package.
 */
export interface DatasetBrowser {
  listDatasets(): Promise<BrowsedDatasetSummary[]>;
  /** NOT_FOUND for an unknown name. */
  getDataset(name: string): Promise<BrowsedDataset>;
  /** Newest first. */
  listVersions(dataset: string, options?: { limit?: number }): Promise<BrowsedDatasetVersion[]>;
  /** `flights@3`, `flights@latest`; NOT_FOUND for an unknown one. */
  getVersion(ref: string): Promise<BrowsedDatasetVersion>;
  readonly lineage: {
    runsOfVersion(ref: string): Promise<BrowsedDatasetUse[]>;
    usesOfRun(runId: string): Promise<BrowsedDatasetUse[]>;
  };
}
