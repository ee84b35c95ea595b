import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { RemoteSettings } from './remote-config.js';

/** A remote holding objects in DVC 3's layout (`<remote>/files/md5/ab/cdef…`). */
export interface RemoteStore {
  /** `remote 'name' (url)`, for messages. */
  readonly description: string;
  /** Fails early, naming the remote, when it is missing or unreachable (a push may create a folder remote). */
  probe(forWrite: boolean): Promise<void>;
  /** Which of `ids` the remote holds: one listing for many ids, one existence check each for a few. */
  present(ids: readonly string[]): Promise<Set<string>>;
  /**
   * Uploads a cache file as object `id` (from `bytes` when the caller has read it already); the object
   * appears whole or not at all. `onBytes` hears the bytes sent as they go, for progress.
   */
  upload(file: string, id: string, bytes?: Buffer, onBytes?: (bytes: number) => void): Promise<void>;
  /** Writes object `id` into `toFile`, hashing as it goes, for the caller to verify and move. NOT_FOUND when absent. */
  download(id: string, toFile: string, onBytes?: (bytes: number) => void): Promise<DownloadedObject>;
  /** Removes what killed uploads left on the remote (stale temp files); returns how many. */
  removeStaleTemps(): Promise<number>;
  close(): Promise<void>;
}

export interface DownloadedObject {
  md5: string;
  size: number;
}

/** Objects up to this size are moved whole, in memory (see walk-files.ts for why small files skip streams). */
export const SMALL_OBJECT = 1024 * 1024;
/** Above this many ids, listing the remote beats asking for each id. */
export const LIST_THRESHOLD = 256;
export const CHECK_CONCURRENCY = 32;
export const LIST_CONCURRENCY = 16;

/** Copies a stream into a file, hashing what passes; constant memory. */
export async function writeHashing(
  source: AsyncIterable<Uint8Array> | NodeJS.ReadableStream,
  toFile: string,
  onBytes?: (bytes: number) => void,
): Promise<DownloadedObject> {
  const hash = createHash('md5');
  let size = 0;
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      size += chunk.byteLength;
      onBytes?.(chunk.byteLength);
      callback(null, chunk);
    },
  });
  await pipeline(source as NodeJS.ReadableStream, hashing, createWriteStream(toFile));
  return { md5: hash.digest('hex'), size };
}

/** The chunks of `source`, telling `onBytes` of each as it is consumed (an upload's progress). */
export async function* countingChunks(source: AsyncIterable<Uint8Array>, onBytes: (bytes: number) => void): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) {
    onBytes(chunk.byteLength);
    yield chunk;
  }
}

export function describeRemote(remote: RemoteSettings): string {
  return `remote '${remote.name}' (${remote.url})`;
}
