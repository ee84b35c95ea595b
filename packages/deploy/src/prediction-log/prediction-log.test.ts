import { type BlobStore, createMemoryBlobStore, MlpError, type PredictionLogEntry } from '@mlp/core';
import { describe, expect, it } from 'vitest';
import { createPredictionLog } from './prediction-log.js';
import { batchKey, batchSpan, modelSegment } from './prediction-log-keys.js';
import { createPredictionLogReader } from './prediction-log-reader.js';

// The prediction log on a memory blob store: sampling, batching, the bounded buffer, failed writes,
// close, and reading back by model and window. The workspace and a killed process: prediction-log.int.test.ts.

const base = Date.UTC(2026, 0, 5, 10, 59, 59, 500);

function entry(at: number, model = 'flights', extra: Partial<PredictionLogEntry> = {}): PredictionLogEntry {
  return {
    at,
    model,
    modelVersion: '3',
    requestId: `r-${at}`,
    kind: 'records',
    inputs: [{ distance: at % 1000 }],
    outputs: [{ prediction: true }],
    latencyMs: 1.5,
    ...extra,
  };
}

async function readAll(blobs: BlobStore, model: string, from: number, to: number, modelVersion?: string) {
  const out: PredictionLogEntry[] = [];
  const query = { model, from, to, ...(modelVersion ? { modelVersion } : {}) };
  for await (const item of createPredictionLogReader({ blobs }).read(query)) out.push(item);
  return out;
}

/** A blob store whose puts wait until released, to hold a write in flight. */
function gatedStore(inner: BlobStore) {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const store: BlobStore = { ...inner, put: async (key, body, options) => gate.then(() => inner.put(key, body, options)) };
  return { store, open };
}

describe('prediction log keys', () => {
  it('keeps any model name inside one segment and reads spans back', () => {
    expect(modelSegment('a/../b')).toBe('a%2F%2E%2E%2Fb');
    expect(modelSegment('.')).toBe('%2E');
    const key = batchKey('prediction-log', 'fraud/v2', base, base + 900);
    expect(key).toMatch(/^prediction-log\/fraud%2Fv2\/2026-01-05\/10\/\d{15}-\d{15}-[0-9a-f]{12}\.jsonl$/);
    expect(batchSpan(key)).toEqual({ first: base, last: base + 900 });
    expect(batchSpan('prediction-log/x/2026-01-05/10/notes.txt')).toBeUndefined();
  });
});

describe('createPredictionLog', () => {
  it('writes one batch per model on flush and reads entries back by model, window and version', async () => {
    const blobs = createMemoryBlobStore();
    const log = createPredictionLog({ blobs, flushIntervalMs: 60_000 });
    for (let i = 0; i < 5; i++) expect(log.record(entry(base + i * 400))).toBe('accepted');
    log.record(entry(base + 100, 'other'));
    log.record(entry(base + 200, 'flights', { modelVersion: '4' }));
    await log.flush();
    expect(log.stats).toMatchObject({ accepted: 7, written: 7, batches: 2, buffered: 0, dropped: 0 });
    const keys: string[] = [];
    for await (const info of blobs.list('prediction-log/')) keys.push(info.key);
    expect(keys).toHaveLength(2);
    // The window crosses an hour: the batch sits in the hour of its first entry and is still found.
    const flights = await readAll(blobs, 'flights', base + 400, base + 1601);
    expect(flights.map((item) => item.at)).toEqual([base + 400, base + 800, base + 1200, base + 1600]);
    expect(flights[0]).toEqual(entry(base + 400));
    expect((await readAll(blobs, 'flights', base, base + 10_000, '4')).map((item) => item.modelVersion)).toEqual(['4']);
    expect(await readAll(blobs, 'other', base, base + 10_000)).toHaveLength(1);
    // A window of years lists the model's folder once instead of hour by hour.
    expect(await readAll(blobs, 'flights', 0, base + 10_000)).toHaveLength(6);
    expect(await readAll(blobs, 'missing', base, base + 10_000)).toEqual([]);
  });

  it('samples by rate', async () => {
    const blobs = createMemoryBlobStore();
    const draws = [0.05, 0.5, 0.09, 0.95];
    const log = createPredictionLog({ blobs, sampleRate: 0.1, random: () => draws.shift() as number });
    expect([1, 2, 3, 4].map((i) => log.record(entry(base + i)))).toEqual(['accepted', 'skipped', 'accepted', 'skipped']);
    await log.close();
    expect(log.stats).toMatchObject({ accepted: 2, skipped: 2, written: 2 });
  });

  it('writes a full batch without waiting for the interval, and splits batches at maxBatchEntries', async () => {
    const blobs = createMemoryBlobStore();
    const log = createPredictionLog({ blobs, maxBatchEntries: 3, flushIntervalMs: 60_000 });
    for (let i = 0; i < 3; i++) log.record(entry(base + i));
    // Nothing but a full batch starts this write: the interval is a minute.
    while (log.stats.written < 3) await new Promise((resolve) => setImmediate(resolve));
    for (let i = 3; i < 10; i++) log.record(entry(base + i));
    await log.close();
    expect(log.stats).toMatchObject({ written: 10, batches: 4 });
    expect((await readAll(blobs, 'flights', base, base + 10)).map((item) => item.at - base)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('drops and counts past a full buffer, never blocking, and writes what it kept', async () => {
    const { store, open } = gatedStore(createMemoryBlobStore());
    const dropped: number[] = [];
    const log = createPredictionLog({ blobs: store, maxBufferedEntries: 4, maxBatchEntries: 2, onDropped: (count) => dropped.push(count) });
    const results = Array.from({ length: 7 }, (_, i) => log.record(entry(base + i)));
    expect(results).toEqual(['accepted', 'accepted', 'accepted', 'accepted', 'dropped', 'dropped', 'dropped']);
    expect(log.stats).toMatchObject({ dropped: 3, buffered: 4 });
    expect(dropped).toEqual([1, 1, 1]);
    open();
    await log.close();
    expect(log.stats).toMatchObject({ written: 4, dropped: 3, buffered: 0 });
    expect(log.record(entry(base + 99))).toBe('dropped');
    expect(log.stats.dropped).toBe(4);
  });

  it('retries a failed write, then drops the batch and counts it', async () => {
    const inner = createMemoryBlobStore();
    let failures = 1;
    const flaky: BlobStore = {
      ...inner,
      put: async (key, body, options) => {
        if (failures-- > 0) throw new MlpError('UNAVAILABLE', 'store down');
        return inner.put(key, body, options);
      },
    };
    const log = createPredictionLog({ blobs: flaky, writeAttempts: 2 });
    log.record(entry(base));
    await log.flush();
    expect(log.stats).toMatchObject({ written: 1, dropped: 0 });

    const broken: BlobStore = { ...inner, put: async () => Promise.reject(new MlpError('UNAVAILABLE', 'store down')) };
    const counted: number[] = [];
    const failing = createPredictionLog({ blobs: broken, writeAttempts: 1, onDropped: (count) => counted.push(count) });
    failing.record(entry(base));
    failing.record(entry(base + 1));
    await failing.close();
    expect(failing.stats).toMatchObject({ written: 0, dropped: 2, buffered: 0 });
    expect(counted).toEqual([2]);
  });

  it('bounds the buffer in bytes too, and drops an entry JSON cannot hold without throwing', async () => {
    const blobs = createMemoryBlobStore();
    const log = createPredictionLog({ blobs, maxBufferedBytes: 1024, flushIntervalMs: 60_000 });
    const large = entry(base, 'flights', { inputs: [{ note: 'x'.repeat(600) }] });
    expect([log.record(large), log.record(large), log.record(large)]).toEqual(['accepted', 'accepted', 'dropped']);
    expect(log.stats.bufferedBytes).toBeGreaterThan(1024);
    expect(log.record(entry(base + 1, 'flights', { inputs: [{ count: 1n }] }))).toBe('dropped');
    await log.close();
    expect(log.stats).toMatchObject({ accepted: 2, dropped: 2, written: 2, buffered: 0, bufferedBytes: 0 });
  });

  it('refuses options that are out of range', () => {
    const blobs = createMemoryBlobStore();
    expect(() => createPredictionLog({ blobs, sampleRate: 1.5 })).toThrow(/sampleRate must be a share from 0 to 1/);
    expect(() => createPredictionLog({ blobs, maxBufferedEntries: 0 })).toThrow(/maxBufferedEntries must be a whole number/);
    expect(() => createPredictionLog({ blobs, flushIntervalMs: 3_600_000 })).toThrow(/flushIntervalMs/);
  });

  it('refuses a query that is not a window', async () => {
    const reader = createPredictionLogReader({ blobs: createMemoryBlobStore() });
    await expect(reader.read({ model: 'flights', from: 10, to: 5 })[Symbol.asyncIterator]().next()).rejects.toThrow(/from ≤ to/);
  });
});
