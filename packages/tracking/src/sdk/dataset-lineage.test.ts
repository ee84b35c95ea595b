import { describe, expect, it } from 'vitest';
import { createTracking } from './create-tracking.js';
import type { DatasetLineage, DatasetRole, PinnedDatasetVersion } from './dataset-lineage.js';
import { createMemoryTrackingStore } from './test-support/memory-tracking-store.js';
import { createTestWorkspace } from './test-support/test-tracking.js';

/** A catalog holding flights@1 and flights@2, where `latest` is 2, recording every use. */
function fakeCatalog() {
  const uses: { runId: string; datasetVersion: string; role: DatasetRole }[] = [];
  const versions: Record<string, PinnedDatasetVersion> = {
    'flights@2': {
      ref: 'flights@2',
      rootHash: '5ea40360f5b4ec688df672a4db9c17d1.dir',
      size: 6,
      nfiles: 2,
      source: { kind: 'http', uri: 'https://example.org/flights.csv' },
      schema: { columns: [{ name: 'delay', type: 'DOUBLE' }] },
    },
  };
  const lineage: DatasetLineage = {
    async recordUse(input) {
      uses.push(input);
      const ref = input.datasetVersion.replace('@latest', '@2');
      const version = versions[ref];
      if (!version) throw new Error(`unknown ${input.datasetVersion}`);
      return { version };
    },
    async usesOfRun(runId) {
      return uses.filter((use) => use.runId === runId).map((use) => ({ role: use.role, version: { ref: use.datasetVersion } }));
    },
  };
  return { lineage, uses };
}

describe('dataset lineage', () => {
  it('pins a reference, records the use in the catalog and logs it as an MLflow run input', async () => {
    const { lineage, uses } = fakeCatalog();
    const store = createMemoryTrackingStore();
    const tracking = createTracking(createTestWorkspace(), { store, lineage, captureProvenance: false, handleSignals: false, env: {} });
    const run = await tracking.startRun({ datasets: ['flights@latest'] });
    await run.useDataset({ ref: 'flights@2', role: 'output', context: 'predictions' });
    await run.end();

    expect(uses).toEqual([
      { runId: run.runId, datasetVersion: 'flights@latest', role: 'input' },
      { runId: run.runId, datasetVersion: 'flights@2', role: 'output' },
    ]);
    const { inputs } = await store.getRun(run.runId);
    expect(inputs.map((input) => input.context)).toEqual(['input', 'predictions']);
    expect(inputs[0]).toMatchObject({
      name: 'flights@2',
      digest: '5ea40360f5b4ec688df672a4db9c17d1.dir',
      sourceType: 'http',
      source: JSON.stringify({ ref: 'flights@2', uri: 'https://example.org/flights.csv' }),
      profile: JSON.stringify({ size: 6, nfiles: 2 }),
    });
    expect(JSON.parse(inputs[0]?.schema ?? 'null')).toEqual({ columns: [{ name: 'delay', type: 'DOUBLE' }] });
  });

  it('without a catalog, says how to give tracking one', async () => {
    const store = createMemoryTrackingStore();
    const tracking = createTracking(createTestWorkspace(), { store, captureProvenance: false, handleSignals: false, env: {} });
    const run = await tracking.startRun();
    await expect(run.useDataset('flights@1')).rejects.toMatchObject({ code: 'FAILED_PRECONDITION', message: /Pass `lineage`/ });
    await run.end();
  });

  it('ends a run FAILED when a dataset it starts with cannot be recorded', async () => {
    const { lineage } = fakeCatalog();
    const store = createMemoryTrackingStore();
    const tracking = createTracking(createTestWorkspace(), { store, lineage, captureProvenance: false, handleSignals: false, env: {} });
    await expect(tracking.startRun({ experiment: 'e', datasets: ['missing@1'] })).rejects.toThrow(/unknown missing@1/);
    const experiment = await store.getExperimentByName('e');
    const { items } = await store.searchRuns({ experimentIds: [experiment?.experimentId ?? ''] });
    expect(items.map((run) => run.status)).toEqual(['FAILED']);
  });
});
