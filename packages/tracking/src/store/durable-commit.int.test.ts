import { MlpError, type Workspace } from '@mlp/core';
import { openTestWorkspace } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqlTrackingStore, type SqlTrackingStoreOptions } from './sql-tracking-store.js';

// A trigger records the synchronous_commit in force inside each logged batch's transaction: `on`
// means the COMMIT the client waits for has reached disk before the batch is acknowledged.
const probe = `
  create table commit_probe (setting text not null);
  create function record_commit_setting() returns trigger language plpgsql as $$
  begin insert into commit_probe values (current_setting('synchronous_commit')); return new; end $$;
  create trigger record_commit_setting after insert on tracking_params for each row execute function record_commit_setting();`;

function durableCommits(name: string, open: () => Promise<{ workspace: Workspace; cleanup(): Promise<void> }>) {
  describe(`logged batches commit durably unless asked: ${name}`, () => {
    let workspace: Workspace;
    let cleanup: () => Promise<void>;
    beforeAll(async () => {
      ({ workspace, cleanup } = await open());
      await openSqlTrackingStore(workspace);
      await workspace.db.query(probe);
    });
    afterAll(async () => cleanup?.());

    async function settingInBatch(options: SqlTrackingStoreOptions): Promise<string> {
      const store = await openSqlTrackingStore(workspace, options);
      const { experimentId } = await store.createExperiment({ name: `durable-${Math.random()}` });
      const { runId } = await store.createRun({ experimentId });
      await workspace.db.query('delete from commit_probe');
      await store.logBatch(runId, { params: [{ key: 'lr', value: '0.1' }] });
      const rows = await workspace.db.query<{ setting: string }>('select setting from commit_probe');
      expect(rows).toHaveLength(1);
      return rows[0]?.setting ?? '';
    }

    it('by default: synchronous_commit stays on', async () => {
      expect(await settingInBatch({ env: {} })).toBe('on');
      expect(await settingInBatch({ env: { MLP_TRACKING_ASYNC_COMMIT: 'false' } })).toBe('on');
    });

    it('with asyncCommit or MLP_TRACKING_ASYNC_COMMIT=true: off for the batch', async () => {
      expect(await settingInBatch({ asyncCommit: true })).toBe('off');
      expect(await settingInBatch({ env: { MLP_TRACKING_ASYNC_COMMIT: 'true' } })).toBe('off');
      expect(await settingInBatch({ asyncCommit: false, env: { MLP_TRACKING_ASYNC_COMMIT: 'true' } })).toBe('on');
    });

    it('refuses a malformed MLP_TRACKING_ASYNC_COMMIT, naming it', async () => {
      const error = await openSqlTrackingStore(workspace, { env: { MLP_TRACKING_ASYNC_COMMIT: 'yes' } }).catch((caught: unknown) => caught);
      expect(MlpError.isInstance(error) && error.code).toBe('INVALID_ARGUMENT');
      expect((error as Error).message).toContain('MLP_TRACKING_ASYNC_COMMIT="yes"');
    });
  });
}

durableCommits('embedded database', async () => {
  const { workspace, cleanup } = await openTestWorkspace('embedded', 'mlp-tracking-durable-');
  return { workspace, cleanup };
});

durableCommits('PostgreSQL server', async () => {
  const { workspace, cleanup } = await openTestWorkspace('postgres', 'mlp-tracking-durable-pg-');
  return { workspace, cleanup };
});
