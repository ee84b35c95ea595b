import type { Metric, Param, Tag } from '../model.js';
import type { LogBatchInput } from '../store/tracking-store.js';
import { mlflowBatchLimits } from '../validate-names.js';
import { metricJson } from './mlflow-wire.js';

/** MLflow's log-batch limits per request, and its documented 1 MB request size. */
/** MLflow's log-batch limits, plus its documented request size. */
export const mlflowRequestLimits = { ...mlflowBatchLimits, bytes: 1024 * 1024 } as const;

export interface BatchRequest {
  metrics: Metric[];
  params: Param[];
  tags: Tag[];
}

export type BatchRequestLimits = { [K in keyof typeof mlflowRequestLimits]: number };

type Item = { kind: 'params'; value: Param } | { kind: 'tags'; value: Tag } | { kind: 'metrics'; value: Metric };

// Room for `{"run_id":"…","metrics":[],"params":[],"tags":[]}` around the items.
const envelopeBytes = 200;

function itemBytes(item: Item): number {
  const json = item.kind === 'metrics' ? metricJson(item.value) : item.value;
  return Buffer.byteLength(JSON.stringify(json)) + 1;
}

/**
 * Splits a batch into requests MLflow accepts: per-kind and total counts, and bytes. Params go first,
 * so a param conflict (the likeliest refusal) fails before any metric is written; within a kind the
 * order is kept, as MLflow promises (the last of two tags with one key wins).
 */
export function splitLogBatch(batch: LogBatchInput, limits: BatchRequestLimits = mlflowRequestLimits): BatchRequest[] {
  const items: Item[] = [
    ...(batch.params ?? []).map((value): Item => ({ kind: 'params', value })),
    ...(batch.tags ?? []).map((value): Item => ({ kind: 'tags', value })),
    ...(batch.metrics ?? []).map((value): Item => ({ kind: 'metrics', value })),
  ];
  const requests: BatchRequest[] = [];
  let current: BatchRequest = { metrics: [], params: [], tags: [] };
  let count = 0;
  let bytes = envelopeBytes;
  for (const item of items) {
    const size = itemBytes(item);
    const full = current[item.kind].length >= limits[item.kind] || count >= limits.total || (count > 0 && bytes + size > limits.bytes);
    if (full) {
      requests.push(current);
      current = { metrics: [], params: [], tags: [] };
      count = 0;
      bytes = envelopeBytes;
    }
    (current[item.kind] as (typeof item.value)[]).push(item.value);
    count += 1;
    bytes += size;
  }
  requests.push(current);
  return requests;
}
