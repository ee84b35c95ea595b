import type { DatasetVersion, TabularFormat } from '../catalog/catalog-model.js';

/** Formats ingestion writes. */
export type IngestFormat = Extract<TabularFormat, 'csv' | 'parquet'>;

export const ingestFormats: readonly IngestFormat[] = ['csv', 'parquet'];

export interface IngestS3Options {
  /** An S3-compatible endpoint; `MLP_S3_ENDPOINT` or the workspace's `blobs.s3.endpoint`, else AWS. */
  endpoint?: string;
  region?: string;
  forcePathStyle?: boolean;
  /** Static keys; the AWS SDK's default chain (environment, ~/.aws, roles) when absent. */
  accessKeyId?: string;
  secretAccessKey?: string;
}

export interface IngestProgress {
  phase: 'download' | 'query' | 'convert' | 'version';
  /** Bytes downloaded (download) so far. */
  bytes?: number;
  /** Total bytes when the origin said (Content-Length, S3 size). */
  totalBytes?: number;
  /** Rows read from PostgreSQL so far. */
  rows?: number;
}

export interface IngestOptions {
  /** A local path, an http(s):// URL, s3://bucket/key, or a postgres:// URL (with `query`). */
  source: string;
  /** Where the data is written, inside the data repository (relative to its root, or absolute). */
  to: string;
  /** The dataset to version it as; the file name of `to` without its extension by default. */
  name?: string;
  /** Output format; implied by the extension of `to` (.csv, .parquet) when absent. */
  format?: IngestFormat;
  /** The SQL to run for a postgres:// source. */
  query?: string;
  /** The source's format when its name and Content-Type do not say (csv, parquet, jsonl, json). */
  sourceFormat?: TabularFormat;
  /** HTTP request headers (such as Authorization). Not recorded. */
  headers?: Record<string, string>;
  s3?: IngestS3Options;
  /** Rows per FETCH from a PostgreSQL cursor (default 5,000). */
  batchSize?: number;
  message?: string;
  description?: string;
  tags?: readonly string[];
  signal?: AbortSignal;
  onProgress?: (progress: IngestProgress) => void;
}

export interface IngestResult {
  version: DatasetVersion;
  /** False when the data was identical to an existing version (which is returned). */
  created: boolean;
  /** Absolute path of the written file. */
  path: string;
  format: IngestFormat;
  rows: number;
  bytes: number;
}
