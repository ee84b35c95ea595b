import { type BlobStore, MlpError, type PredictionLogEntry, type PredictionLogQuery, type PredictionLogReader } from '@mlp/core';
import { batchSpan, defaultPredictionLogPrefix, hourFolder, hourMs, modelSegment, startOfHour } from './prediction-log-keys.js';

export interface PredictionLogReaderOptions {
  /** The blob store the servers' prediction logs write to (`workspace.blobs`). */
  blobs: BlobStore;
  /** The key prefix the logs were written under; `prediction-log` by default. */
  prefix?: string;
}

function assertQuery(query: PredictionLogQuery): void {
  if (typeof query.model !== 'string' || query.model === '')
    throw new MlpError('INVALID_ARGUMENT', 'Name the model whose prediction log to read (query.model).');
  if (!Number.isFinite(query.from) || !Number.isFinite(query.to) || query.from > query.to)
    throw new MlpError(
      'INVALID_ARGUMENT',
      `The window from ${query.from} to ${query.to} is not a time window: give epoch milliseconds with from ≤ to.`,
    );
}

function parseBatch(key: string, text: string): PredictionLogEntry[] {
  const entries: PredictionLogEntry[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] as string;
    if (line === '') continue;
    try {
      entries.push(JSON.parse(line) as PredictionLogEntry);
    } catch (error) {
      throw new MlpError('INTERNAL', `The prediction log batch ${key} has a line that is not JSON (line ${index + 1}): remove the file.`, {
        cause: error,
      });
    }
  }
  return entries;
}

/** Hours listed one by one at most; a longer window lists the model's whole folder once. */
const maxHourListings = 24 * 31;

/** The folders that may hold batches meeting the window, in time order. */
function folders(prefix: string, model: string, from: number, to: number): string[] {
  const first = startOfHour(from) - hourMs;
  if ((to - first) / hourMs > maxHourListings) return [`${prefix}/${modelSegment(model)}/`];
  const out: string[] = [];
  for (let hour = first; hour < to; hour += hourMs) out.push(hourFolder(prefix, model, hour));
  return out;
}

/**
 * Reads the prediction log written by `createPredictionLog`: the batches of one model whose span
 * meets the window, listed hour by hour (a batch sits in the hour of its first entry, so the hour
 * before the window is listed too; a window of more than a month lists the model's folder once),
 * then their entries inside the window.
 */
export function createPredictionLogReader(options: PredictionLogReaderOptions): PredictionLogReader {
  const { blobs } = options;
  const prefix = (options.prefix ?? defaultPredictionLogPrefix).replace(/\/+$/, '');
  return {
    async *read(query) {
      assertQuery(query);
      const { model, from, to, modelVersion, signal } = query;
      for (const folder of folders(prefix, model, from, to)) {
        signal?.throwIfAborted();
        for await (const info of blobs.list(folder)) {
          const span = batchSpan(info.key);
          if (!span || span.last < from || span.first >= to) continue;
          const text = Buffer.from(await blobs.getBytes(info.key, signal ? { signal } : {})).toString('utf8');
          for (const entry of parseBatch(info.key, text)) {
            if (entry.model !== model || entry.at < from || entry.at >= to) continue;
            if (modelVersion !== undefined && entry.modelVersion !== modelVersion) continue;
            yield entry;
          }
        }
      }
    },
  };
}
