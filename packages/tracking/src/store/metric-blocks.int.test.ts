import { openTestWorkspace, type TestEngine } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Metric } from '../model.js';
import { summarizePoints } from './metric-summary.js';
import { openSqlTrackingStore } from './sql-tracking-store.js';
import type { TrackingStore } from './tracking-store.js';

const key = 'loss';
const history = (length: number): Metric[] =>
  Array.from({ length }, (_, i) => ({ key, step: i, timestamp: 1_700_000_000_000 + i, value: i === 777 ? Number.NaN : Math.sin(i / 300) }));

// The SQL store's rollup: long histories are summarised from their blocks alone, and the blocks go with their series.
describe.each(['embedded', 'postgres'] as TestEngine[])('metric rollup on the %s engine', (engine) => {
  let store: TrackingStore;
  let cleanup: () => Promise<void>;
  let db: Awaited<ReturnType<typeof openTestWorkspace>>['workspace']['db'];
  let experimentId: string;
  beforeAll(async () => {
    const opened = await openTestWorkspace(engine, 'mlp-tracking-blocks-');
    cleanup = opened.cleanup;
    db = opened.workspace.db;
    store = await openSqlTrackingStore(opened.workspace, { enforceBatchLimits: false });
    experimentId = (await store.createExperiment({ name: 'blocks' })).experimentId;
  });
  afterAll(async () => cleanup?.());

  const seriesOf = async (runId: string) =>
    (await db.query<{ series_id: number }>('select series_id from tracking_latest_metrics where run_id = $1', [runId]))[0]?.series_id;

  it('summarises a long history from its blocks: the same answer with its points gone', async () => {
    const points = history(20_000);
    const { runId } = await store.createRun({ experimentId });
    await store.logBatch(runId, { metrics: points.slice(0, 12_000) });
    await store.logBatch(runId, { metrics: points.slice(12_000) });
    const series = await seriesOf(runId);
    // Only the rollup is left to answer from.
    await db.query('delete from tracking_metric_points where series_id = $1', [series]);
    for (const buckets of [1, 10, 20]) {
      const [summary] = await store.summarizeMetricHistories([{ runId, key }], { buckets });
      expect(summary?.totalPoints).toBe(points.length);
      expect(summary?.points).toEqual(summarizePoints(points, buckets).points);
    }
  });

  it('keeps the blocks through delete and restore, and drops them with the run’s rows', async () => {
    const points = history(5000);
    const { runId } = await store.createRun({ experimentId });
    await store.logBatch(runId, { metrics: points });
    const series = await seriesOf(runId);
    const blocks = async () =>
      (await db.query<{ n: number }>('select count(*)::int as n from tracking_metric_blocks where series_id = $1', [series]))[0]?.n;
    expect(await blocks()).toBeGreaterThan(0);
    await store.deleteRun(runId);
    await store.restoreRun(runId);
    const [summary] = await store.summarizeMetricHistories([{ runId, key }], { buckets: 10 });
    expect(summary?.points).toEqual(summarizePoints(points, 10).points);
    // A run removed for good (as a future gc would) takes its series and their blocks with it.
    await db.query('delete from tracking_runs where run_id = $1', [runId]);
    expect(await blocks()).toBe(0);
  });
});
