import type { TabularFormat } from '@mlp/core/tabular';

/** Tabular formats the catalog understands (schema summaries, `open`): core's, the names every mlp package reads. */
export type { TabularFormat } from '@mlp/core/tabular';

export interface ColumnSummary {
  name: string;
  /** DuckDB's type name: BIGINT, DOUBLE, VARCHAR, DATE, TIMESTAMP, … */
  type: string;
}

/** What a tabular version holds: its columns and how many rows. */
export interface TabularSchema {
  format: TabularFormat;
  columns: ColumnSummary[];
  rowCount: number;
}

/**
 * Where a version's data came from. `uri` is a path, URL or `postgres://` URL without its password;
 * for `features` (a training set of @mlp/features), the feature views it was built from.
 */
export interface DatasetSource {
  kind: 'file' | 'http' | 's3' | 'postgres' | 'workspace' | 'features';
  uri: string;
  /** The SQL of a PostgreSQL source. */
  query?: string;
  /** HTTP ETag or S3 ETag when the origin gave one, to tell later whether it changed. */
  etag?: string;
}

export interface AddVersionInput {
  dataset: string;
  /** The file or folder, absolute or relative to the repository root; it must be inside the repository. */
  path: string;
  source?: DatasetSource;
  /** Tabular format of the file when its name does not say. */
  format?: TabularFormat;
  message?: string;
  description?: string;
  tags?: readonly string[];
}

export interface Dataset {
  name: string;
  description: string;
  createdBy: string;
  createdAt: Date;
}

export interface DatasetVersion {
  dataset: string;
  version: number;
  /** `name@version`, the stable reference to this version. */
  ref: string;
  /** DVC's md5 (`<md5>` for a file, `<md5>.dir` for a folder). */
  rootHash: string;
  size: number;
  nfiles: number;
  /** Relative to the data repository's root, with forward slashes. */
  path: string;
  format: TabularFormat | null;
  schema: TabularSchema | null;
  source: DatasetSource | null;
  message: string;
  /** Tags pointing at this version, sorted. */
  tags: string[];
  createdBy: string;
  createdAt: Date;
}

/** A dataset with its newest version, as `mlp data ls` lists it. */
export interface DatasetSummary extends Dataset {
  versionCount: number;
  latest: DatasetVersion | null;
}

/** The payload of the `dataset_version.created` event: the version without its schema, message, tags and time. */
export type DatasetVersionCreatedEvent = Pick<
  DatasetVersion,
  'dataset' | 'version' | 'ref' | 'rootHash' | 'size' | 'nfiles' | 'path' | 'format' | 'source' | 'createdBy'
>;

export const datasetEvents = {
  versionCreated: 'dataset_version.created',
  tagMoved: 'dataset_tag.moved',
} as const;
