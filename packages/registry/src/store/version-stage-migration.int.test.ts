import { openWorkspace, type Workspace } from '@mlp/core';
import { createTempDir, createTestDatabase, type TestDatabase } from '@mlp/core/testing';
import { createTracking } from '@mlp/tracking';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../generated/migrations.js';
import { openRegistry } from '../open-registry.js';

// A registry written when stages were read from the production and staging aliases keeps what each
// version showed after upgrading, and keeps its aliases.
describe('migration 0001: the stage column', () => {
  let database: TestDatabase;
  let dir: Awaited<ReturnType<typeof createTempDir>>;
  let workspace: Workspace;
  beforeAll(async () => {
    dir = await createTempDir('mlp-registry-migration-');
    database = await createTestDatabase();
    workspace = await openWorkspace({ dir: dir.path, logLevel: 'warn', database: { url: database.url } });
  });
  afterAll(async () => {
    await workspace.close();
    await database.drop();
    await dir.remove();
  });

  it('backfills Production from the production alias, then Staging from the staging alias, None otherwise', async () => {
    const [first] = migrations.migrations;
    if (!first) throw new Error('no migrations bundled');
    await workspace.migrate({ package: migrations.package, migrations: [first] });
    const db = workspace.db;
    // "old": version 1 held both aliases (it showed Production). "older": version 2 held staging, 3 only champion.
    const holders = { old: { production: 1, staging: 1 }, older: { staging: 2, champion: 3 } };
    for (const [name, aliases] of Object.entries(holders)) {
      const [model] = await db.query<{ model_id: string }>(
        `insert into registry_models (name, creation_time, last_updated_time) values ($1, 0, 0) returning model_id`,
        [name],
      );
      for (const version of [1, 2, 3]) {
        await db.query(
          `insert into registry_versions (model_id, version, source, status, creation_time, last_updated_time) values ($1, $2, 'x', 'READY', 0, 0)`,
          [model?.model_id, version],
        );
      }
      for (const [alias, version] of Object.entries(aliases)) {
        await db.query(`insert into registry_aliases (model_id, alias, version, updated_time) values ($1, $2, $3, 0)`, [
          model?.model_id,
          alias,
          version,
        ]);
      }
    }

    const tracking = createTracking(workspace, { captureProvenance: false, handleSignals: false });
    const registry = await openRegistry(workspace, { tracking }); // applies 0001
    try {
      const stagesOf = async (name: string) => (await registry.listVersions(name)).map((version) => version.currentStage);
      expect(await stagesOf('old')).toEqual(['Production', 'None', 'None']);
      expect(await stagesOf('older')).toEqual(['None', 'Staging', 'None']);
      expect((await registry.getModel('old')).aliases).toEqual(holders.old);
      expect((await registry.getModel('older')).aliases).toEqual({ champion: 3, staging: 2 });
      // Values outside MLflow's four stages are refused by the table itself.
      await expect(db.query(`update registry_versions set current_stage = 'Live'`)).rejects.toThrow(/registry_versions_stage_check/);
    } finally {
      await registry.close();
      await tracking.close();
    }
  });
});
