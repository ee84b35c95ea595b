import { openWorkspace, type Workspace } from '@mlp/core';
import { createTempDir, createTestDatabase, type TestDatabase } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../generated/migrations.js';
import { openSqlTrackingStore } from './sql-tracking-store.js';

// A workspace written before metric points moved to series ids keeps every point after upgrading.
describe('migration 0001: metric history by series id', () => {
  let database: TestDatabase;
  let dir: Awaited<ReturnType<typeof createTempDir>>;
  let workspace: Workspace;
  beforeAll(async () => {
    dir = await createTempDir('mlp-tracking-migration-');
    database = await createTestDatabase();
    workspace = await openWorkspace({ dir: dir.path, logLevel: 'warn', database: { url: database.url } });
  });
  afterAll(async () => {
    await workspace.close();
    await database.drop();
    await dir.remove();
  });

  it('carries the old table’s points over, in order, NaN included', async () => {
    const [first] = migrations.migrations;
    if (!first) throw new Error('no migrations bundled');
    await workspace.migrate({ package: migrations.package, migrations: [first] });
    const db = workspace.db;
    await db.query(`insert into tracking_experiments (name, artifact_location, creation_time, last_update_time) values ('old', 'x', 0, 0)`);
    const [experiment] = await db.query<{ experiment_id: string }>(`select experiment_id from tracking_experiments where name = 'old'`);
    await db.query(
      `insert into tracking_runs (run_id, experiment_id, name, status, start_time, artifact_uri, lifecycle_stage)
       values ('r1', $1, 'old-run', 'FINISHED', 0, 'x', 'active')`,
      [experiment?.experiment_id],
    );
    await db.query(
      `insert into tracking_metrics (run_id, key, value, is_nan, timestamp, step) values
       ('r1', 'loss', 0.5, false, 10, 0), ('r1', 'loss', null, true, 11, 1), ('r1', 'loss', 0.25, false, 12, 2), ('r1', 'acc', 0.9, false, 12, 2)`,
    );
    await db.query(
      `insert into tracking_latest_metrics (run_id, key, value, is_nan, timestamp, step) values
       ('r1', 'loss', 0.25, false, 12, 2), ('r1', 'acc', 0.9, false, 12, 2)`,
    );

    const store = await openSqlTrackingStore(workspace); // applies 0001
    const loss = await store.getMetricHistory('r1', 'loss');
    expect(loss.items.map((point) => [point.step, point.value])).toEqual([
      [0, 0.5],
      [1, Number.NaN],
      [2, 0.25],
    ]);
    expect((await store.getMetricHistory('r1', 'acc')).items).toEqual([{ key: 'acc', value: 0.9, timestamp: 12, step: 2 }]);
    expect(await db.query(`select to_regclass('tracking_metrics') as old`)).toEqual([{ old: null }]);
  });
});
