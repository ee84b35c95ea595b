import type { FeatureSource } from '../definitions/feature-source.js';
import type { FeatureType, FeatureValue } from '../definitions/feature-types.js';

/** One output column of a training set. */
export interface TrainingSetColumn {
  name: string;
  type: FeatureType;
}

/** What a training set was built from: per view, its version, features, source and the load read. */
export interface TrainingSetView {
  name: string;
  version: number;
  features: string[];
  source: FeatureSource;
  /** The dataset version the offline table was loaded from, for a dataset source. */
  datasetVersion: { ref: string; rootHash: string } | null;
  loadedAt: number;
}

export type TrainingSetFormat = 'csv' | 'parquet';

/**
 * A point-in-time correct training set: the entity rows in their order, each with the feature values
 * known at its event time. Timestamps are epoch milliseconds in `rows()`, ISO 8601 (UTC) in CSV and
 * TIMESTAMP in Parquet. Holds a table in the workspace database until `close()`.
 */
export interface TrainingSet {
  readonly columns: readonly TrainingSetColumn[];
  readonly rowCount: number;
  readonly views: readonly TrainingSetView[];
  /** The rows, streamed from the database in batches. */
  rows(options?: { batchSize?: number }): AsyncIterable<Record<string, FeatureValue>>;
  /** Writes the rows to a CSV or Parquet file (atomically: a temp file renamed); the format from the extension unless given. */
  writeFile(
    file: string,
    options?: { format?: TrainingSetFormat; signal?: AbortSignal },
  ): Promise<{ path: string; format: TrainingSetFormat; rows: number }>;
  /**
   * Writes the rows into a new table of the workspace database (`schema.table` or `table`), where SQL
   * can read them; refused when the table exists. On-demand features are not part of it.
   */
  writeTable(table: string, options?: { signal?: AbortSignal }): Promise<{ table: string; rows: number }>;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}
