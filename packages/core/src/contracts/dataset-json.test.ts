import { describe, expect, it } from 'vitest';
import type { BrowsedDatasetVersion } from './dataset-browser.js';
import { datasetSummaryJson, datasetUseJson, datasetVersionJson } from './dataset-json.js';

const version: BrowsedDatasetVersion = {
  dataset: 'flights',
  version: 2,
  ref: 'flights@2',
  rootHash: 'a'.repeat(32),
  size: 120,
  nfiles: 1,
  path: 'data/flights.csv',
  format: 'csv',
  schema: { format: 'csv', columns: [{ name: 'delay', type: 'BIGINT' }], rowCount: 3 },
  source: { kind: 'postgres', uri: 'postgres://db/flights', query: 'select * from flights' },
  message: 'more rows',
  tags: ['prod'],
  createdBy: 'ada',
  createdAt: new Date(1_700_000_000_000),
};

describe('the dataset catalog JSON (mlp data --json and the web UI API)', () => {
  it('prints a version snake_case with epoch-ms times, absent source fields as null', () => {
    expect(datasetVersionJson(version)).toEqual({
      dataset: 'flights',
      version: 2,
      ref: 'flights@2',
      root_hash: 'a'.repeat(32),
      size: 120,
      nfiles: 1,
      path: 'data/flights.csv',
      format: 'csv',
      schema: { format: 'csv', columns: [{ name: 'delay', type: 'BIGINT' }], row_count: 3 },
      source: { kind: 'postgres', uri: 'postgres://db/flights', query: 'select * from flights', etag: null },
      message: 'more rows',
      tags: ['prod'],
      created_by: 'ada',
      created_at: 1_700_000_000_000,
    });
    expect(datasetVersionJson({ ...version, schema: null, source: null })).toMatchObject({ schema: null, source: null });
  });

  it('prints a summary with its newest version, and a run’s use by ref', () => {
    const summary = { name: 'flights', description: '', createdBy: 'ada', createdAt: new Date(5), versionCount: 2, latest: version };
    expect(datasetSummaryJson(summary)).toEqual({
      name: 'flights',
      description: '',
      created_by: 'ada',
      created_at: 5,
      version_count: 2,
      latest: datasetVersionJson(version),
    });
    expect(datasetSummaryJson({ ...summary, latest: null }).latest).toBeNull();
    expect(datasetUseJson({ runId: 'r1', role: 'input', version, recordedAt: new Date(7) })).toEqual({
      run_id: 'r1',
      role: 'input',
      ref: 'flights@2',
      recorded_at: 7,
    });
  });
});
