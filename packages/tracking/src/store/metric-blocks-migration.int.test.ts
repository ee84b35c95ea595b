import type { Workspace } from '@mlp/core';
import { openTestWorkspace } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../generated/migrations.js';
import type { Metric } from '../model.js';
import { summarizePoints } from './metric-summary.js';
import { openSqlTrackingStore } from './sql-tracking-store.js';

// A history logged before the rollup existed has no blocks: after upgrading it is summarised from its
// points (exactly, at every size), and logging more to it does not start a partial rollup.
describe('migration 0003: metric rollup', () => {
  let workspace: Workspace;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ workspace, cleanup } = await openTestWorkspace('postgres', 'mlp-tracking-blocks-migration-'));
  });
  afterAll(async () => cleanup?.());

  it('summarises an older history from its points, before and after more is logged', async () => {
    const before = migrations.migrations.slice(0, 3);
    expect(before.map((m) => m.id)).toEqual(['0000_tracking', '0001_metric_series', '0002_logged_models']);
    await workspace.migrate({ package: migrations.package, migrations: before });
    const db = workspace.db;
    await db.query(`insert into tracking_experiments (name, artifact_location, creation_time, last_update_time) values ('old', 'x', 0, 0)`);
    await db.query(
      `insert into tracking_runs (run_id, experiment_id, name, status, start_time, artifact_uri, lifecycle_stage)
       select 'r1', experiment_id, 'old-run', 'RUNNING', 0, 'x', 'active' from tracking_experiments where name = 'old'`,
    );
    // 60,000 points as the previous release wrote them (latest row, then the points by series id).
    await db.query(
      `insert into tracking_latest_metrics (run_id, key, value, is_nan, timestamp, step) values ('r1', 'loss', 0, false, 59999, 59999)`,
    );
    await db.query(
      `insert into tracking_metric_points (series_id, step, timestamp, value, is_nan)
       select l.series_id, i, i, case when i = 4242 then null else (i * 7919) % 1000 - 500.5 end, i = 4242
       from tracking_latest_metrics l, generate_series(0, 59999) i where l.key = 'loss'`,
    );
    const old: Metric[] = Array.from({ length: 60_000 }, (_, i) => ({
      key: 'loss',
      step: i,
      timestamp: i,
      value: i === 4242 ? Number.NaN : ((i * 7919) % 1000) - 500.5,
    }));

    const store = await openSqlTrackingStore(workspace, { enforceBatchLimits: false }); // applies 0003
    for (const buckets of [10, 100, 1000]) {
      const [summary] = await store.summarizeMetricHistories([{ runId: 'r1', key: 'loss' }], { buckets });
      expect(summary?.totalPoints).toBe(old.length);
      expect(summary?.points).toEqual(summarizePoints(old, buckets).points);
    }
    const more: Metric[] = Array.from({ length: 5000 }, (_, i) => ({ key: 'loss', step: 60_000 + i, timestamp: 60_000 + i, value: -i }));
    await store.logBatch('r1', { metrics: more });
    const [summary] = await store.summarizeMetricHistories([{ runId: 'r1', key: 'loss' }], { buckets: 10 });
    expect(summary?.points).toEqual(summarizePoints([...old, ...more], 10).points);
    expect(await db.query('select count(*)::int as n from tracking_metric_blocks')).toEqual([{ n: 0 }]);
  });
});
