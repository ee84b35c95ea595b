import { MlpError } from '@mlp/core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Metric } from '../model.js';
import { summarizePoints } from '../store/metric-summary.js';
import type { TrackingStore } from '../store/tracking-store.js';

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!MlpError.isInstance(error)) throw new Error(`expected an MlpError, got ${String(error)}`);
  return error.code;
}

const key = 'wave';
// 3,000 points over steps 100..6098 (every other step), a spike, a dip, a NaN and an Infinity inside,
// and two points sharing a step (the later timestamp must come second).
function wave(): Metric[] {
  const points: Metric[] = [];
  for (let i = 0; i < 3000; i++) {
    const step = 100 + 2 * i;
    let value = Math.sin(i / 50) + (i % 7) / 100;
    if (i === 1234) value = 1000;
    if (i === 2345) value = -1000;
    if (i === 777) value = Number.NaN;
    if (i === 1999) value = Number.POSITIVE_INFINITY;
    points.push({ key, step, timestamp: 1_700_000_000_000 + i * 10, value });
  }
  points.push({ key, step: 100, timestamp: 1_700_000_000_001, value: 5 });
  return points;
}

// Epoch-millisecond steps, about a second apart (sparse: a step range a thousand times the point count).
function sparse(): Metric[] {
  return Array.from({ length: 2000 }, (_, i) => ({
    key: 'sparse',
    step: 1_700_000_000_000 + i * 1000 + (i % 3),
    timestamp: 1_700_000_000_000 + i,
    // + 0 turns -0 into 0: MLflow's JSON carries no -0.
    value: i === 1500 ? Number.NEGATIVE_INFINITY : Math.cos(i / 40) * (i % 11) + 0,
  }));
}

// A dense series logged in order, then points into blocks already written: new extremes, a NaN,
// exact repeats, one step logged hundreds of times, and steps below zero.
function disordered(): Metric[][] {
  const key = 'disordered';
  const first = Array.from({ length: 3000 }, (_, i) => ({ key, step: i, timestamp: 1000 + i, value: Math.sin(i / 30) }));
  const later = [
    { key, step: 10, timestamp: 5, value: 1e6 },
    { key, step: 1500, timestamp: 1, value: -1e6 },
    { key, step: 2999, timestamp: 9999, value: Number.NaN },
    { key, step: 700, timestamp: 0, value: Number.POSITIVE_INFINITY },
    { key, step: 0, timestamp: 0, value: 0.5 },
  ];
  const repeats = [...first.slice(100, 400), ...first.slice(100, 110)];
  const oneStep = Array.from({ length: 300 }, (_, i) => ({ key, step: 2000, timestamp: 500 + (i % 17), value: (i * 7919) % 101 }));
  const below = Array.from({ length: 500 }, (_, i) => ({ key, step: -4 * i - 1, timestamp: i, value: i % 13 }));
  return [first, later, repeats, oneStep, below];
}

/** Reduced metric histories (the charts' downsampling): part of the tracking store contract. */
export function describeMetricSummaries(store: () => TrackingStore): void {
  describe('metric summaries', () => {
    let runId: string;
    let other: string;
    const points = wave();
    beforeAll(async () => {
      const experimentId = (await store().createExperiment({ name: `summaries-${Date.now().toString(36)}` })).experimentId;
      runId = (await store().createRun({ experimentId })).runId;
      other = (await store().createRun({ experimentId })).runId;
      for (let start = 0; start < points.length; start += 1000)
        await store().logBatch(runId, { metrics: points.slice(start, start + 1000) });
      await store().logBatch(other, { metrics: points.slice(0, 30).map((p) => ({ ...p, key: 'short' })) });
    });

    it('keeps each bucket’s first, last, smallest, largest and non-finite point, in step order', async () => {
      const [summary] = await store().summarizeMetricHistories([{ runId, key }], { buckets: 40 });
      if (!summary) throw new Error('no summary');
      expect(summary.totalPoints).toBe(points.length);
      expect(summary.points.length).toBeLessThanOrEqual(5 * 40);
      expect(summary.points.length).toBeGreaterThan(40);
      expect(summary.points).toEqual(summarizePoints(points, 40).points);
      const values = summary.points.map((p) => p.value);
      expect(values).toContain(1000);
      expect(values).toContain(-1000);
      expect(values).toContain(Number.POSITIVE_INFINITY);
      expect(values.some(Number.isNaN)).toBe(true);
      expect(summary.points[0]).toEqual({ key, step: 100, timestamp: 1_700_000_000_000, value: 0 });
      expect(summary.points.at(-1)?.step).toBe(100 + 2 * 2999);
      const steps = summary.points.map((p) => p.step);
      expect(steps).toEqual([...steps].sort((a, b) => a - b));
      // Other bucket counts (a store may reduce short and long histories by different means).
      for (const buckets of [7, 100, 700]) {
        const [other] = await store().summarizeMetricHistories([{ runId, key }], { buckets });
        expect(other?.points).toEqual(summarizePoints(points, buckets).points);
      }
    });

    it('returns a short history whole, many series in the order asked, and nothing for a key never logged', async () => {
      const summaries = await store().summarizeMetricHistories(
        [
          { runId: other, key: 'short' },
          { runId, key: 'absent' },
          { runId, key },
        ],
        { buckets: 800 },
      );
      expect(summaries.map((s) => [s.runId, s.key, s.totalPoints])).toEqual([
        [other, 'short', 30],
        [runId, 'absent', 0],
        [runId, key, points.length],
      ]);
      expect(summaries[0]?.points).toEqual(
        summarizePoints(
          points.slice(0, 30).map((p) => ({ ...p, key: 'short' })),
          800,
        ).points,
      );
      expect(summaries[0]?.points).toHaveLength(30);
      expect(summaries[1]?.points).toEqual([]);
    });

    it('equals the reference for sparse epoch-millisecond steps, logged in one batch or in many small ones', async () => {
      const points = sparse();
      const experimentId = (await store().createExperiment({ name: `summaries-sparse-${Date.now().toString(36)}` })).experimentId;
      const whole = (await store().createRun({ experimentId })).runId;
      const pieces = (await store().createRun({ experimentId })).runId;
      await store().logBatch(whole, { metrics: points.slice(0, 1000) });
      await store().logBatch(whole, { metrics: points.slice(1000) });
      // Batches of 1, 2, 3, … points: the first batch shows no spacing at all.
      for (let start = 0, size = 1; start < points.length; start += size, size++)
        await store().logBatch(pieces, { metrics: points.slice(start, start + size) });
      for (const buckets of [1, 3, 7, 40, 100]) {
        const expected = summarizePoints(points, buckets);
        const summaries = await store().summarizeMetricHistories(
          [
            { runId: whole, key: 'sparse' },
            { runId: pieces, key: 'sparse' },
          ],
          { buckets },
        );
        for (const summary of summaries) {
          expect(summary.totalPoints).toBe(points.length);
          expect(summary.points).toEqual(expected.points);
        }
      }
    });

    it('equals the reference after points land in blocks already written: out of order, repeated, one step many times, below zero', async () => {
      const batches = disordered();
      const experimentId = (await store().createExperiment({ name: `summaries-disordered-${Date.now().toString(36)}` })).experimentId;
      const run = (await store().createRun({ experimentId })).runId;
      for (const batch of batches)
        for (let start = 0; start < batch.length; start += 1000) await store().logBatch(run, { metrics: batch.slice(start, start + 1000) });
      const all = batches.flat();
      for (const buckets of [1, 2, 7, 10, 40, 100, 700]) {
        const [summary] = await store().summarizeMetricHistories([{ runId: run, key: 'disordered' }], { buckets });
        expect(summary?.totalPoints).toBe(all.length);
        expect(summary?.points).toEqual(summarizePoints(all, buckets).points);
      }
    });

    it('refuses an unknown run and a bucket count out of range', async () => {
      expect(await codeOf(store().summarizeMetricHistories([{ runId: '0123456789abcdef0123456789abcdef', key }], { buckets: 10 }))).toBe(
        'NOT_FOUND',
      );
      expect(await codeOf(store().summarizeMetricHistories([{ runId, key }], { buckets: 0 }))).toBe('INVALID_ARGUMENT');
    });
  });
}
