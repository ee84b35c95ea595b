import { Readable } from 'node:stream';
import { MlpError } from '../errors/mlp-error.js';
import { blobAborted, blobBodyFailed } from './blob-errors.js';
import type { BlobBody, PutOptions } from './blob-store.js';

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function';
}

function toBytes(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  // A Readable with setEncoding() yields strings: store them as UTF-8, like a string body.
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  throw new MlpError(
    'INVALID_ARGUMENT',
    `A blob body stream yielded a ${chunk === null ? 'null' : typeof chunk} chunk; streams must yield Uint8Array (Buffer) or string chunks.`,
  );
}

/** The body as a sequence of byte chunks; a stream is read as it is consumed, never buffered whole. */
export async function* bodyChunks(body: BlobBody): AsyncGenerator<Uint8Array> {
  if (typeof body === 'string') {
    yield Buffer.from(body, 'utf8');
    return;
  }
  if (body instanceof Uint8Array) {
    yield body;
    return;
  }
  if (!isAsyncIterable(body)) {
    throw new MlpError(
      'INVALID_ARGUMENT',
      `A blob body must be a Uint8Array, a string, a Readable or an AsyncIterable<Uint8Array>, not ${body === null ? 'null' : typeof body}.`,
    );
  }
  for await (const chunk of body) yield toBytes(chunk);
}

/**
 * Iterates `source` until `signal` aborts, then throws `makeError()` at once, even while the source is
 * stalled waiting for data. A fresh promise per chunk (not one shared race) keeps memory flat on long streams.
 */
export async function* abortable<T>(source: AsyncIterable<T>, signal: AbortSignal | undefined, makeError: () => Error): AsyncGenerator<T> {
  if (!signal) {
    yield* source;
    return;
  }
  if (signal.aborted) throw makeError();
  const iterator = source[Symbol.asyncIterator]();
  let rejectPending: ((error: Error) => void) | undefined;
  const onAbort = () => rejectPending?.(makeError());
  signal.addEventListener('abort', onAbort, { once: true });
  let finished = false;
  try {
    for (;;) {
      const result = await new Promise<IteratorResult<T>>((resolve, reject) => {
        rejectPending = reject;
        iterator.next().then(resolve, reject);
      });
      rejectPending = undefined;
      if (signal.aborted) throw makeError();
      if (result.done) {
        finished = true;
        return;
      }
      yield result.value;
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    if (!finished) {
      // A stream is destroyed so a pending read settles and its handle is released; a plain
      // iterator is asked to return without waiting, since it may be stuck in a pending next().
      if (source instanceof Readable) source.destroy();
      void Promise.resolve(iterator.return?.()).catch(() => {});
    }
  }
}

/** What a driver's `put` consumes: the body's chunks, counted, abortable, with failures as MlpErrors. */
export interface PutSource {
  chunks: AsyncIterable<Uint8Array>;
  /** Bytes read from the body so far. */
  bytesRead(): number;
  /** Why reading the body failed, if it did: the error to report even when cleanup fails after it. */
  failure(): MlpError | undefined;
}

/** Wraps a put's body: counts bytes, reports progress (unless the driver reports its own), and maps errors. */
export function createPutSource(key: string, body: BlobBody, options: PutOptions = {}, reportProgress = true): PutSource {
  let bytes = 0;
  let failed: MlpError | undefined;
  const { signal, onProgress } = options;
  async function* chunks(): AsyncGenerator<Uint8Array> {
    let done = false;
    try {
      for await (const chunk of abortable(bodyChunks(body), signal, () => blobAborted('put', key, signal))) {
        bytes += chunk.byteLength;
        if (reportProgress) onProgress?.(bytes);
        yield chunk;
      }
      done = true;
    } catch (error) {
      failed = blobBodyFailed(key, bytes, error);
      throw failed;
    } finally {
      // A put that stops early (abort, write error) releases a stream body at once, even a stalled one.
      if (!done && body instanceof Readable && !body.destroyed) body.destroy();
    }
  }
  return { chunks: chunks(), bytesRead: () => bytes, failure: () => failed };
}

/** A byte-mode Readable over chunks, pulled on demand, so backpressure reaches the source. */
export function toByteStream(chunks: AsyncIterable<Uint8Array>): Readable {
  return Readable.from(chunks, { objectMode: false });
}

/**
 * The stream `get` returns: bytes from `chunks`, errors mapped by `mapError`, destroyed with the
 * abort error as soon as `signal` aborts (even when the consumer is not reading).
 */
export function createGetStream(
  chunks: AsyncIterable<Uint8Array>,
  options: { key: string; signal?: AbortSignal | undefined; mapError: (error: unknown) => MlpError },
): Readable {
  const { key, signal, mapError } = options;
  const makeAborted = () => blobAborted('get', key, signal);
  async function* mapped(): AsyncGenerator<Uint8Array> {
    try {
      yield* abortable(chunks, signal, makeAborted);
    } catch (error) {
      throw MlpError.isInstance(error) ? error : mapError(error);
    }
  }
  const stream = toByteStream(mapped());
  if (signal?.aborted) stream.destroy(makeAborted());
  else if (signal) {
    const onAbort = () => stream.destroy(makeAborted());
    signal.addEventListener('abort', onAbort, { once: true });
    stream.once('close', () => signal.removeEventListener('abort', onAbort));
  }
  return stream;
}

/** Reads a whole stream into one buffer; for small objects. */
export async function readAll(stream: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const chunk of stream) parts.push(chunk);
  return parts.length === 1 ? (parts[0] as Uint8Array) : Buffer.concat(parts);
}
