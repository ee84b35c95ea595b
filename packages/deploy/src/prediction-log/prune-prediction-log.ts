import type { BlobStore } from '@mlp/core';
import { batchSpan, defaultPredictionLogPrefix, modelSegment } from './prediction-log-keys.js';

export interface PrunePredictionLogOptions {
  blobs: BlobStore;
  /** Batches whose last entry is older than this (epoch ms) are deleted. */
  before: number;
  /** Only this model's batches; every model's by default. */
  model?: string;
  /** The log's key prefix; `prediction-log` by default. */
  prefix?: string;
  /** Called after each deleted batch. */
  onProgress?: (progress: { deleted: number; scanned: number }) => void;
}

export interface PruneResult {
  /** Batches looked at, and deleted. */
  scanned: number;
  deleted: number;
  deletedBytes: number;
}

/**
 * Retention for the prediction log: deletes the batches whose every entry is older than `before`
 * (a batch's key names its first and last entry, so nothing is opened). Each delete is one blob, so
 * a prune cut short leaves whole batches; readers never see a torn one.
 */
export async function prunePredictionLog(options: PrunePredictionLogOptions): Promise<PruneResult> {
  const prefix = (options.prefix ?? defaultPredictionLogPrefix).replace(/\/+$/, '');
  const folder = options.model === undefined ? `${prefix}/` : `${prefix}/${modelSegment(options.model)}/`;
  const result: PruneResult = { scanned: 0, deleted: 0, deletedBytes: 0 };
  // Listed first, deleted after: a store need not support deleting while it lists.
  const expired: { key: string; size: number }[] = [];
  for await (const blob of options.blobs.list(folder)) {
    const span = batchSpan(blob.key);
    if (!span) continue;
    result.scanned++;
    if (span.last < options.before) expired.push({ key: blob.key, size: blob.size });
  }
  for (const { key, size } of expired) {
    await options.blobs.delete(key);
    result.deleted++;
    result.deletedBytes += size;
    options.onProgress?.({ deleted: result.deleted, scanned: result.scanned });
  }
  return result;
}
