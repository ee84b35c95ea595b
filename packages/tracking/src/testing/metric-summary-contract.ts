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

    it('refuses an unknown run and a bucket count out of range', async () => {
      expect(await codeOf(store().summarizeMetricHistories([{ runId: '0123456789abcdef0123456789abcdef', key }], { buckets: 10 }))).toBe(
        'NOT_FOUND',
      );
      expect(await codeOf(store().summarizeMetricHistories([{ runId, key }], { buckets: 0 }))).toBe('INVALID_ARGUMENT');
    });
  });
}
