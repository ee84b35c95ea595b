import type { Readable } from 'node:stream';
import { toMlpError } from '../errors/mlp-error.js';
import { blobAborted, blobNotFound } from './blob-errors.js';
import { assertBlobKey, assertBlobPrefix, compareBlobKeys } from './blob-key.js';
import type { BlobBody, BlobInfo, BlobStore, GetOptions, PutOptions } from './blob-store.js';
import { createGetStream, createPutSource, readAll } from './body.js';

interface StoredBlob {
  bytes: Uint8Array;
  lastModified: Date;
  contentType?: string;
}

const CHUNK = 1024 * 1024;

function infoOf(key: string, blob: StoredBlob): BlobInfo {
  const info: BlobInfo = { key, size: blob.bytes.byteLength, lastModified: new Date(blob.lastModified) };
  if (blob.contentType !== undefined) info.contentType = blob.contentType;
  return info;
}

/** A blob store in this process's memory: for tests and throwaway workspaces. */
export function createMemoryBlobStore(): BlobStore {
  const blobs = new Map<string, StoredBlob>();
  const location = 'memory://';

  async function get(key: string, options: GetOptions = {}): Promise<Readable> {
    assertBlobKey(key);
    if (options.signal?.aborted) throw blobAborted('get', key, options.signal);
    const blob = blobs.get(key);
    if (!blob) throw blobNotFound(key, location);
    const { bytes } = blob;
    async function* slices(): AsyncGenerator<Uint8Array> {
      // Copies, so a consumer that changes a chunk cannot change the stored object.
      for (let offset = 0; offset < bytes.byteLength; offset += CHUNK) yield Buffer.from(bytes.subarray(offset, offset + CHUNK));
    }
    return createGetStream(slices(), { key, signal: options.signal, mapError: (error) => toMlpError(error) });
  }

  return {
    driver: 'memory',
    location,
    get,

    async put(key: string, body: BlobBody, options: PutOptions = {}): Promise<BlobInfo> {
      assertBlobKey(key);
      // The whole body is read before the map changes, so a failed or aborted put stores nothing,
      // and the bytes are copied so later changes to the caller's buffer do not reach the store.
      const collected = await readAll(createPutSource(key, body, options).chunks);
      const blob: StoredBlob = { bytes: Buffer.from(collected), lastModified: new Date() };
      if (options.contentType !== undefined) blob.contentType = options.contentType;
      blobs.set(key, blob);
      return infoOf(key, blob);
    },

    async getBytes(key: string, options: GetOptions = {}): Promise<Uint8Array> {
      return readAll(await get(key, options));
    },

    async head(key: string): Promise<BlobInfo | undefined> {
      assertBlobKey(key);
      const blob = blobs.get(key);
      return blob ? infoOf(key, blob) : undefined;
    },

    async *list(prefix = ''): AsyncIterable<BlobInfo> {
      assertBlobPrefix(prefix);
      // A snapshot: puts and deletes during the iteration do not disturb it.
      const keys = [...blobs.keys()].filter((key) => key.startsWith(prefix)).sort(compareBlobKeys);
      for (const key of keys) {
        const blob = blobs.get(key);
        if (blob) yield infoOf(key, blob);
      }
    },

    async delete(key: string): Promise<void> {
      assertBlobKey(key);
      blobs.delete(key);
    },

    async close(): Promise<void> {
      blobs.clear();
    },
  };
}
