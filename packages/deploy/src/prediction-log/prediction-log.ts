import { type BlobStore, backoffDelay, type Logger, MlpError, type PredictionLogEntry } from '@mlp/core';
import { batchKey, defaultPredictionLogPrefix } from './prediction-log-keys.js';

export interface PredictionLogOptions {
  /** Where batches are written: the workspace's blob store (`workspace.blobs`). */
  blobs: BlobStore;
  /** The share of requests logged, 0 to 1; 1 (every request) by default. */
  sampleRate?: number;
  /** Entries held at most, waiting or being written; past it, entries are dropped and counted. 10 000 by default. */
  maxBufferedEntries?: number;
  /** Bytes of serialised entries held at most (the other bound of the buffer); 64 MiB by default. */
  maxBufferedBytes?: number;
  /** Entries of one model per batch file at most; a full batch is written at once. 1000 by default. */
  maxBatchEntries?: number;
  /** How long an entry waits for its batch to fill before it is written anyway; 1000 ms by default, at most 60 s. */
  flushIntervalMs?: number;
  /** Attempts to write one batch before its entries are dropped (and counted); 3 by default. */
  writeAttempts?: number;
  /** Key prefix in the blob store; `prediction-log` by default. */
  prefix?: string;
  logger?: Logger;
  /** Called with the number of entries dropped each time some are (a full buffer, a batch that could not be written). */
  onDropped?: (count: number) => void;
  /** The sampling's random source (tests give a fixed one). */
  random?: () => number;
}

export interface PredictionLogStats {
  /** Entries taken into the buffer (sampled in). */
  accepted: number;
  /** Entries sampled out. */
  skipped: number;
  /** Entries dropped: the buffer was full, the entry was not serialisable, or its batch could not be written. */
  dropped: number;
  /** Entries in batches written to the blob store. */
  written: number;
  /** Batch files written. */
  batches: number;
  /** Entries waiting or being written now. */
  buffered: number;
  /** Their size, serialised. */
  bufferedBytes: number;
}

/** The prediction log a model server writes: sampled, buffered, written in batches, never blocking a request. */
export interface PredictionLog {
  /**
   * Takes one answered request. Synchronous: it samples, serialises the entry (so the request's
   * objects die young and the buffer holds flat text, bounded in bytes), then appends it to the
   * buffer, or drops and counts it when the buffer is full. Never throws, never waits.
   */
  record(entry: PredictionLogEntry): 'accepted' | 'skipped' | 'dropped';
  /** Writes everything buffered so far; resolves once it is written (or dropped after failed attempts). */
  flush(): Promise<void>;
  readonly stats: Readonly<PredictionLogStats>;
  /** Stops taking entries, writes what is buffered, and resolves when done (the server calls it on SIGTERM). */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** One serialised entry waiting for its batch. */
interface PendingLine {
  model: string;
  at: number;
  line: string;
}

function assertOptions(options: PredictionLogOptions): void {
  const { sampleRate, maxBufferedEntries, maxBufferedBytes, maxBatchEntries, flushIntervalMs, writeAttempts } = options;
  const whole = (value: number | undefined, name: string, min: number, max = Number.MAX_SAFE_INTEGER) => {
    if (value !== undefined && (!Number.isSafeInteger(value) || value < min || value > max))
      throw new MlpError('INVALID_ARGUMENT', `${name} must be a whole number from ${min} to ${max}, not ${value}.`);
  };
  if (sampleRate !== undefined && !(sampleRate >= 0 && sampleRate <= 1))
    throw new MlpError('INVALID_ARGUMENT', `sampleRate must be a share from 0 to 1 (0.1 logs one request in ten), not ${sampleRate}.`);
  whole(maxBufferedEntries, 'maxBufferedEntries', 1);
  whole(maxBufferedBytes, 'maxBufferedBytes', 1024);
  whole(maxBatchEntries, 'maxBatchEntries', 1);
  whole(flushIntervalMs, 'flushIntervalMs', 1, 60_000);
  whole(writeAttempts, 'writeAttempts', 1, 10);
}

/**
 * The prediction log as JSON-lines batch files in the blob store, one file per model and flush
 * (`prediction-log/<model>/<day>/<hour>/<first>-<last>-<id>.jsonl`). Blob stores write atomically, so
 * a process killed mid-write leaves whole batches or none; what was buffered and unwritten is lost.
 * `create*` does no I/O: the flush timer starts with the first entry and does not hold the process open.
 */
export function createPredictionLog(options: PredictionLogOptions): PredictionLog {
  assertOptions(options);
  const { blobs, logger, onDropped } = options;
  const sampleRate = options.sampleRate ?? 1;
  const maxBuffered = options.maxBufferedEntries ?? 10_000;
  const maxBytes = options.maxBufferedBytes ?? 64 * 1024 * 1024;
  const maxBatch = options.maxBatchEntries ?? 1000;
  const interval = options.flushIntervalMs ?? 1000;
  const attempts = options.writeAttempts ?? 3;
  const prefix = (options.prefix ?? defaultPredictionLogPrefix).replace(/\/+$/, '');
  const random = options.random ?? Math.random;

  const stats: PredictionLogStats = { accepted: 0, skipped: 0, dropped: 0, written: 0, batches: 0, buffered: 0, bufferedBytes: 0 };
  let pending: PendingLine[] = [];
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> | undefined;
  let closed = false;

  const release = (entries: readonly PendingLine[]) => {
    stats.buffered -= entries.length;
    for (const entry of entries) stats.bufferedBytes -= entry.line.length + 1;
  };
  const dropOne = () => {
    stats.dropped += 1;
    onDropped?.(1);
  };

  async function writeBatch(model: string, entries: PendingLine[]): Promise<void> {
    let first = Number.POSITIVE_INFINITY;
    let last = Number.NEGATIVE_INFINITY;
    for (const entry of entries) {
      first = Math.min(first, entry.at);
      last = Math.max(last, entry.at);
    }
    const body = `${entries.map((entry) => entry.line).join('\n')}\n`;
    const key = batchKey(prefix, model, first, last);
    for (let attempt = 0; ; attempt++) {
      try {
        await blobs.put(key, body, { contentType: 'application/x-ndjson' });
        stats.written += entries.length;
        stats.batches += 1;
        release(entries);
        return;
      } catch (error) {
        if (attempt + 1 >= attempts) {
          logger?.error(
            { err: error, model, entries: entries.length },
            'prediction log: a batch could not be written; its entries are dropped',
          );
          release(entries);
          stats.dropped += entries.length;
          onDropped?.(entries.length);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, backoffDelay(attempt, { baseDelayMs: 100, maxDelayMs: 2000 })));
      }
    }
  }

  /** Writes what is pending now: a batch per model, split at maxBatch. */
  async function writePending(): Promise<void> {
    const taken = pending;
    pending = [];
    const byModel = new Map<string, PendingLine[]>();
    for (const entry of taken) {
      const list = byModel.get(entry.model);
      if (list) list.push(entry);
      else byModel.set(entry.model, [entry]);
    }
    const writes: Promise<void>[] = [];
    for (const [model, entries] of byModel)
      for (let start = 0; start < entries.length; start += maxBatch) writes.push(writeBatch(model, entries.slice(start, start + maxBatch)));
    await Promise.all(writes);
  }

  /**
   * Starts a write round unless one runs. Entries that arrive during a round wait for the next: at
   * once when they fill a batch, else for the flush interval, so a busy server writes full batches
   * and a quiet one a file per interval, not one per request.
   */
  function startWriting(): Promise<void> {
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    writing ??= writePending().finally(() => {
      writing = undefined;
      if (pending.length >= maxBatch) void startWriting();
      else if (pending.length > 0) schedule();
    });
    return writing;
  }

  function schedule(): void {
    if (writing || timer || closed) return;
    timer = setTimeout(() => {
      timer = undefined;
      void startWriting();
    }, interval);
    timer.unref();
  }

  const flush = async () => {
    while (pending.length > 0 || writing) await startWriting();
  };

  const close = async () => {
    closed = true;
    await flush();
  };

  return {
    record(entry) {
      if (sampleRate < 1 && random() >= sampleRate) {
        stats.skipped += 1;
        return 'skipped';
      }
      if (closed || stats.buffered >= maxBuffered || stats.bufferedBytes >= maxBytes) {
        dropOne();
        return 'dropped';
      }
      let line: string;
      try {
        line = JSON.stringify(entry);
      } catch (error) {
        // A value JSON cannot hold (a BigInt, a cycle): the request was answered; its entry is dropped.
        logger?.warn({ err: error, model: entry.model }, 'prediction log: an entry could not be serialised; it is dropped');
        dropOne();
        return 'dropped';
      }
      stats.accepted += 1;
      stats.buffered += 1;
      stats.bufferedBytes += line.length + 1;
      pending.push({ model: entry.model, at: entry.at, line });
      // A full batch is written soon, outside the request's turn; anything less waits for the interval.
      if (pending.length === maxBatch && !writing) setImmediate(() => void startWriting());
      else schedule();
      return 'accepted';
    },
    flush,
    get stats() {
      return { ...stats };
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
