import type { Readable } from 'node:stream';

/** What a blob store knows about one object. */
export interface BlobInfo {
  key: string;
  size: number;
  lastModified: Date;
  /** Driver-specific content tag (S3 ETag, or absent); not a content hash. */
  etag?: string;
  contentType?: string;
}

/** Bytes to store: a buffer, a string (UTF-8), or a stream of chunks. */
export type BlobBody = Uint8Array | string | Readable | AsyncIterable<Uint8Array>;

export interface PutOptions {
  contentType?: string;
  signal?: AbortSignal;
  /** Called with the bytes written so far, for long uploads. */
  onProgress?: (bytesWritten: number) => void;
}

export interface GetOptions {
  signal?: AbortSignal;
}

/**
 * A flat key-value store for bytes. Keys are `/`-separated relative paths; `..` segments, absolute
 * paths, backslashes and NUL are rejected with INVALID_ARGUMENT. A reader never sees a half-written object.
 */
export interface BlobStore {
  /** The driver's name (`memory`, `fs`, `s3`, or a plugin's). */
  readonly driver: string;
  /** Where the store points, for humans (`/path/to/.mlp/blobs`, `s3://bucket/prefix`). */
  readonly location: string;
  put(key: string, body: BlobBody, options?: PutOptions): Promise<BlobInfo>;
  /** A stream of the object's bytes; NOT_FOUND when absent. */
  get(key: string, options?: GetOptions): Promise<Readable>;
  /** The whole object in memory; for small objects. NOT_FOUND when absent. */
  getBytes(key: string, options?: GetOptions): Promise<Uint8Array>;
  /** The object's info, or undefined when absent. */
  head(key: string): Promise<BlobInfo | undefined>;
  /** Every object whose key starts with `prefix`, in key order. */
  list(prefix?: string): AsyncIterable<BlobInfo>;
  /** Removes the object; deleting an absent key is not an error. */
  delete(key: string): Promise<void>;
  close?(): Promise<void>;
}
