import { type MetricSeries, metricHistories } from './api';

/** The server's limit on run × key pairs a request (`maxBatchSeries`). */
const maxPairs = 5000;

interface Batch {
  runIds: string[];
  buckets: number;
  x: 'step' | 'time';
  minBucketSteps: number | undefined;
  waiting: Map<string, { resolve: (s: MetricSeries[]) => void; reject: (e: unknown) => void }[]>;
}

const batches = new Map<string, Batch>();

/** Sends a batch once: at the end of its turn, or at once when prefetched. */
function flush(id: string, batch: Batch): void {
  if (batches.get(id) !== batch) return;
  batches.delete(id);
  void send(batch);
}

async function send(batch: Batch): Promise<void> {
  const keys = [...batch.waiting.keys()];
  const perRequest = Math.max(1, Math.floor(maxPairs / batch.runIds.length));
  for (let from = 0; from < keys.length; from += perRequest) {
    const chunk = keys.slice(from, from + perRequest);
    try {
      const histories = await metricHistories(batch.runIds, chunk, batch.buckets, batch.x, batch.minBucketSteps);
      // Run-major order: run r's key k is at r × keys + k.
      chunk.forEach((key, k) => {
        const series = batch.runIds.map((_, r) => histories[r * chunk.length + k]!);
        for (const waiter of batch.waiting.get(key) ?? []) waiter.resolve(series);
      });
    } catch (error) {
      for (const key of chunk) for (const waiter of batch.waiting.get(key) ?? []) waiter.reject(error);
    }
  }
}

/**
 * One metric's histories for many runs (in the runs' order), asked together with every other metric asked
 * for the same runs in the same turn of the event loop: the compare page's charts, scrolled into view
 * together, are one request instead of one each (one store call for all their series on the server).
 */
export function batchedHistories(
  runIds: string[],
  key: string,
  buckets: number,
  x: 'step' | 'time',
  minBucketSteps?: number,
): Promise<MetricSeries[]> {
  const id = JSON.stringify([runIds, buckets, x, minBucketSteps ?? null]);
  const early = prefetched.get(JSON.stringify([id, key]));
  if (early) {
    prefetched.delete(JSON.stringify([id, key]));
    return early;
  }
  let batch = batches.get(id);
  if (!batch) {
    const created: Batch = { runIds, buckets, x, minBucketSteps, waiting: new Map() };
    batches.set(id, created);
    setTimeout(() => flush(id, created), 0);
    batch = created;
  }
  const waiting = batch.waiting;
  return new Promise((resolve, reject) => {
    waiting.set(key, [...(waiting.get(key) ?? []), { resolve, reject }]);
  });
}

const prefetched = new Map<string, Promise<MetricSeries[]>>();

/**
 * Asks now (one request) for histories their charts will ask for once mounted and in view; each chart
 * takes its answer once, with the same arguments. The compare page calls it with the runs' answer.
 */
export function prefetchHistories(runIds: string[], keys: string[], buckets: number, x: 'step' | 'time', minBucketSteps?: number): void {
  const id = JSON.stringify([runIds, buckets, x, minBucketSteps ?? null]);
  for (const key of keys) {
    const answer = batchedHistories(runIds, key, buckets, x, minBucketSteps);
    answer.catch(() => {}); // its chart shows the error when it takes the answer
    prefetched.set(JSON.stringify([id, key]), answer);
  }
  // Now, not after the page's render (which the runs' answer starts first).
  const batch = batches.get(id);
  if (batch) flush(id, batch);
}
