#!/usr/bin/env node
// What durable acknowledgement of logged batches costs, on both SQL backends: the same small batches
// (10 metrics, as a training loop sends them) logged one after another by the default store (each
// COMMIT waits for its WAL flush) and by a store with `asyncCommit: true` (synchronous_commit = off),
// in the same run. Prints batches per second of each and the ratio async / durable.
import { openSqlTrackingStore } from '@mlp/tracking';
import { onBothBackends } from './lib/on-both-backends.mjs';

const BATCHES = Number(process.env.BENCH_BATCHES ?? 500);
const round = (value) => Math.round(value * 100) / 100;

async function batchesPerSecond(workspace, asyncCommit) {
  const store = await openSqlTrackingStore(workspace, { asyncCommit });
  const { experimentId } = await store.createExperiment({ name: `durability-${asyncCommit}-${Date.now()}` });
  const { runId } = await store.createRun({ experimentId });
  const batch = (step) => ({
    metrics: Array.from({ length: 10 }, (_, k) => ({ key: `m${k}`, value: Math.random(), timestamp: 1700000000000 + step, step })),
  });
  for (let step = 0; step < 20; step++) await store.logBatch(runId, batch(step)); // warm-up
  const started = performance.now();
  for (let step = 20; step < 20 + BATCHES; step++) await store.logBatch(runId, batch(step));
  return BATCHES / ((performance.now() - started) / 1000);
}

async function measure(label, workspace) {
  // Alternate, so a burst of load on the machine does not favour one mode.
  const durable = [];
  const async = [];
  for (let round = 0; round < 2; round++) {
    durable.push(await batchesPerSecond(workspace, false));
    async.push(await batchesPerSecond(workspace, true));
  }
  const best = (values) => Math.max(...values);
  return {
    backend: label,
    batches: BATCHES,
    durableBatchesPerSecond: round(best(durable)),
    asyncBatchesPerSecond: round(best(async)),
    asyncOverDurable: round(best(async) / best(durable)),
  };
}

const results = await onBothBackends('tracking-durability', measure);
console.log(JSON.stringify({ benchmark: 'tracking-durability', results }, null, 2));
