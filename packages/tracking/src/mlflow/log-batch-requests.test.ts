import { describe, expect, it } from 'vitest';
import type { Metric } from '../model.js';
import { splitLogBatch } from './log-batch-requests.js';

const metrics = (count: number): Metric[] => Array.from({ length: count }, (_, step) => ({ key: 'm', value: step, timestamp: 1, step }));
const pairs = (count: number, prefix: string) => Array.from({ length: count }, (_, i) => ({ key: `${prefix}${i}`, value: 'v' }));
const sizes = (requests: ReturnType<typeof splitLogBatch>) => requests.map((r) => [r.metrics.length, r.params.length, r.tags.length]);

describe('splitLogBatch', () => {
  it('keeps a batch within the limits as one request', () => {
    expect(sizes(splitLogBatch({ metrics: metrics(800), params: pairs(100, 'p'), tags: pairs(100, 't') }))).toEqual([[800, 100, 100]]);
    expect(sizes(splitLogBatch({}))).toEqual([[0, 0, 0]]);
  });

  it("splits by MLflow's per-kind and total limits, params first", () => {
    expect(sizes(splitLogBatch({ metrics: metrics(2500) }))).toEqual([
      [1000, 0, 0],
      [1000, 0, 0],
      [500, 0, 0],
    ]);
    expect(sizes(splitLogBatch({ params: pairs(250, 'p') }))).toEqual([
      [0, 100, 0],
      [0, 100, 0],
      [0, 50, 0],
    ]);
    expect(sizes(splitLogBatch({ metrics: metrics(1000), params: pairs(50, 'p'), tags: pairs(30, 't') }))).toEqual([
      [920, 50, 30],
      [80, 0, 0],
    ]);
  });

  it('keeps the order within each kind, so the last tag for a key still wins', () => {
    const tags = [...pairs(100, 't'), { key: 't0', value: 'last' }];
    const requests = splitLogBatch({ tags, metrics: metrics(1500) });
    expect(requests.flatMap((r) => r.tags)).toEqual(tags);
    expect(requests.flatMap((r) => r.metrics).map((m) => m.step)).toEqual(metrics(1500).map((m) => m.step));
  });

  it('keeps each request under the byte limit', () => {
    const params = Array.from({ length: 100 }, (_, i) => ({ key: `p${i}`, value: 'x'.repeat(6000) }));
    const requests = splitLogBatch({ params }, { metrics: 1000, params: 100, tags: 100, total: 1000, bytes: 100_000 });
    expect(requests.length).toBeGreaterThan(6);
    for (const request of requests) expect(Buffer.byteLength(JSON.stringify(request))).toBeLessThan(100_000);
    expect(requests.flatMap((r) => r.params)).toEqual(params);
  });
});
