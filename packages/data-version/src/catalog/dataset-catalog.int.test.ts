import { MlpError, openWorkspace, type Workspace } from '@mlp/core';
import { createTempDir, createTestDatabase } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetEvents } from './catalog-model.js';
import { type DatasetCatalog, openDatasetCatalog } from './dataset-catalog.js';

const md5 = (n: number) => n.toString(16).padStart(32, '0');

async function thrown(promise: Promise<unknown>): Promise<MlpError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!MlpError.isInstance(error)) throw new Error(`expected an MlpError, got ${String(error)}`);
  return error;
}

interface Harness {
  workspace: Workspace;
  cleanup(): Promise<void>;
}

function runCatalogSuite(name: string, open: () => Promise<Harness>): void {
  describe(`dataset catalog on ${name}`, () => {
    let harness: Harness;
    let catalog: DatasetCatalog;
    const register = (dataset: string, hash: number, extra: Record<string, unknown> = {}) =>
      catalog.registerVersion({ dataset, rootHash: md5(hash), size: hash * 10, path: `data/${dataset}.csv`, ...extra });

    beforeAll(async () => {
      harness = await open();
      catalog = await openDatasetCatalog(harness.workspace, { user: 'ada' });
    });
    afterAll(() => harness.cleanup());

    it('numbers versions per dataset and publishes dataset_version.created in the same transaction', async () => {
      const first = await register('flights', 1, {
        format: 'csv',
        schema: { format: 'csv', rowCount: 3, columns: [{ name: 'delay', type: 'BIGINT' }] },
        source: { kind: 'http', uri: 'https://example.com/flights.csv' },
        description: 'US flight delays',
      });
      expect(first.created).toBe(true);
      expect(first.version).toMatchObject({
        dataset: 'flights',
        version: 1,
        ref: 'flights@1',
        rootHash: md5(1),
        size: 10,
        nfiles: 1,
        format: 'csv',
        createdBy: 'ada',
        tags: [],
        source: { kind: 'http', uri: 'https://example.com/flights.csv' },
        schema: { rowCount: 3, columns: [{ name: 'delay', type: 'BIGINT' }] },
      });
      expect(first.version.createdAt).toBeInstanceOf(Date);
      expect(Math.abs(first.version.createdAt.getTime() - Date.now())).toBeLessThan(60_000);
      expect((await register('weather', 7)).version.ref).toBe('weather@1');
      expect((await register('flights', 2)).version.ref).toBe('flights@2');

      const events = await harness.workspace.db.query<{ payload: { ref: string; rootHash: string; createdBy: string } }>(
        'select payload from mlp_events where type = $1 order by id',
        [datasetEvents.versionCreated],
      );
      expect(events.map((event) => event.payload.ref)).toEqual(['flights@1', 'weather@1', 'flights@2']);
      expect(events[0]?.payload).toMatchObject({ rootHash: md5(1), createdBy: 'ada', size: 10 });
    });

    it('returns the existing version when the same root hash is registered again, without a new event', async () => {
      const before = await harness.workspace.db.query('select count(*)::int as n from mlp_events');
      const again = await register('flights', 1, { path: 'elsewhere/flights.csv' });
      expect(again.created).toBe(false);
      expect(again.version.ref).toBe('flights@1');
      expect(again.version.path).toBe('data/flights.csv');
      expect(await harness.workspace.db.query('select count(*)::int as n from mlp_events')).toEqual(before);
    });

    it('resolves latest, numbers and tags; tags move like git tags', async () => {
      expect((await catalog.getVersion('flights@latest')).version).toBe(2);
      expect((await catalog.getVersion('flights')).version).toBe(2);
      expect((await catalog.getVersion('flights@1')).rootHash).toBe(md5(1));

      expect((await catalog.tag('flights@1', 'train-2026-11')).tags).toEqual(['train-2026-11']);
      expect((await catalog.getVersion('flights@train-2026-11')).version).toBe(1);
      const moved = await catalog.tag('flights@latest', 'train-2026-11');
      expect(moved).toMatchObject({ version: 2, tags: ['train-2026-11'] });
      expect((await catalog.getVersion('flights@1')).tags).toEqual([]);
      // Tags are per dataset: weather can have its own train-2026-11.
      await catalog.tag('weather@1', 'train-2026-11');
      expect((await catalog.getVersion('flights@train-2026-11')).version).toBe(2);

      await catalog.untag('flights', 'train-2026-11');
      expect((await thrown(catalog.getVersion('flights@train-2026-11'))).message).toContain('has no tag "train-2026-11"');
      expect((await thrown(catalog.untag('flights', 'train-2026-11'))).code).toBe('NOT_FOUND');
    });

    it('registers tags given at registration', async () => {
      const third = await register('flights', 3, { tags: ['candidate'] });
      expect(third.version).toMatchObject({ version: 3, tags: ['candidate'] });
    });

    it('lists datasets with their latest version, and versions newest first', async () => {
      const listed = await catalog.listDatasets();
      expect(listed.map((dataset) => [dataset.name, dataset.versionCount, dataset.latest?.version])).toEqual([
        ['flights', 3, 3],
        ['weather', 1, 1],
      ]);
      expect(listed[0]?.description).toBe('US flight delays');
      expect((await catalog.listVersions('flights')).map((version) => version.version)).toEqual([3, 2, 1]);
      expect((await catalog.listVersions('flights', { limit: 1 })).map((version) => version.version)).toEqual([3]);
      expect((await catalog.setDescription('weather', 'Seattle')).description).toBe('Seattle');
    });

    it('gives concurrent registrations distinct consecutive numbers', async () => {
      const results = await Promise.all([10, 11, 12, 13, 14, 10].map((hash) => register('busy', hash)));
      const numbers = results.map((result) => result.version.version);
      expect(new Set(numbers.slice(0, 5)).size).toBe(5);
      expect([...numbers.slice(0, 5)].sort()).toEqual([1, 2, 3, 4, 5]);
      expect(numbers[5]).toBe(numbers[0]); // the duplicate hash got the same version
      expect(results.filter((result) => result.created)).toHaveLength(5);
    });

    it('reports unknown datasets, versions and malformed input clearly', async () => {
      const unknown = await thrown(catalog.getVersion('nope@1'));
      expect(unknown.code).toBe('NOT_FOUND');
      expect(unknown.message).toContain('Unknown dataset "nope"');
      const missing = await thrown(catalog.getVersion('flights@99'));
      expect(missing.code).toBe('NOT_FOUND');
      expect(missing.message).toContain('no version 99 (latest is flights@3)');
      expect((await thrown(catalog.getVersion('flights@'))).code).toBe('INVALID_ARGUMENT');
      expect((await thrown(catalog.listVersions('nope'))).code).toBe('NOT_FOUND');
      expect((await thrown(catalog.tag('flights@1', 'latest'))).code).toBe('INVALID_ARGUMENT');
      expect((await thrown(register('flights', 1, { rootHash: 'abc' }))).message).toContain('Invalid root hash');
      expect((await thrown(register('flights', 1, { path: '../outside.csv' }))).code).toBe('INVALID_ARGUMENT');
      expect((await thrown(register('bad name', 1))).code).toBe('INVALID_ARGUMENT');
    });

    it('records lineage pinned to the version a reference named at the time', async () => {
      const { lineage } = catalog;
      const input = await lineage.recordUse({ runId: 'run-1', datasetVersion: 'flights@latest', role: 'input' });
      expect(input.version.ref).toBe('flights@3');
      await lineage.recordUse({ runId: 'run-1', datasetVersion: 'flights@latest', role: 'input' }); // no-op
      await lineage.recordUse({ runId: 'run-1', datasetVersion: 'weather@1', role: 'output' });
      await lineage.recordUse({ runId: 'run-2', datasetVersion: input.version, role: 'input' });
      await register('flights', 4); // latest moves on; run-1's use stays flights@3

      const uses = await lineage.usesOfRun('run-1');
      expect(uses.map((use) => [use.role, use.version.ref])).toEqual([
        ['input', 'flights@3'],
        ['output', 'weather@1'],
      ]);
      expect((await lineage.runsOfVersion('flights@3')).map((use) => use.runId)).toEqual(['run-1', 'run-2']);
      expect(await lineage.runsOfVersion('flights@4')).toEqual([]);
      expect(await lineage.usesOfRun('run-unknown')).toEqual([]);
      expect((await thrown(lineage.recordUse({ runId: 'run-1', datasetVersion: 'flights@3', role: 'both' as 'input' }))).code).toBe(
        'INVALID_ARGUMENT',
      );
      expect((await thrown(lineage.recordUse({ runId: 'run-1', datasetVersion: 'flights@77', role: 'input' }))).code).toBe('NOT_FOUND');
    });

    it('delivers dataset_version.created to a durable subscriber, as a pipeline trigger would see it', async () => {
      const received: { ref: string }[] = [];
      const consumer = `catalog-test-${name.replaceAll(' ', '-')}`;
      const subscription = harness.workspace.events.subscribe(
        { consumer, types: [datasetEvents.versionCreated], pollIntervalMs: 50 },
        (event) => {
          received.push(event.payload as { ref: string });
        },
      );
      try {
        // A new consumer starts at the end of the outbox: wait until it has stored that position.
        const positioned = () => harness.workspace.db.query('select 1 from mlp_event_consumers where consumer = $1', [consumer]);
        while ((await positioned()).length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
        await register('trigger', 99);
        await register('trigger', 99); // idempotent: no second event
        await register('trigger', 98);
        // Events arrive in order: once a later one is in, a duplicate of the idempotent register would be too.
        await register('trigger-end', 97);
        while (!received.some((payload) => payload.ref === 'trigger-end@1')) await new Promise((resolve) => setTimeout(resolve, 20));
      } finally {
        await subscription.close();
      }
      expect(received.map((payload) => payload.ref)).toEqual(['trigger@1', 'trigger@2', 'trigger-end@1']);
    });
  });
}

runCatalogSuite('the embedded database', async () => {
  const dir = await createTempDir('mlp-catalog-embedded-');
  const workspace = await openWorkspace({ dir: dir.path, logLevel: 'warn' });
  return {
    workspace,
    async cleanup() {
      await workspace.close();
      await dir.remove();
    },
  };
});

runCatalogSuite('a PostgreSQL server', async () => {
  const dir = await createTempDir('mlp-catalog-pg-');
  const database = await createTestDatabase('mlp_catalog');
  const workspace = await openWorkspace({ dir: dir.path, logLevel: 'warn', database: { url: database.url } });
  return {
    workspace,
    async cleanup() {
      await workspace.close();
      await database.drop();
      await dir.remove();
    },
  };
});
