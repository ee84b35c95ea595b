import path from 'node:path';
import { connectSharedTabularDb, sqlString } from '@mlp/core/tabular';
import { createTempDir, type TempDir } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeatureValue } from '../definitions/feature-types.js';
import { writeTrainingSet } from './write-training-set.js';

let dir: TempDir;
beforeAll(async () => {
  dir = await createTempDir('mlp-features-write-');
});
afterAll(() => dir?.remove());

// Rows computed in JS (on-demand features) written as Parquet through a CSV DuckDB converts: the
// empty string and NULL stay apart, and a timestamp stays a timestamp.
describe('writeTrainingSet to Parquet', () => {
  it('keeps an empty string apart from a missing value, and quotes and commas inside text', async () => {
    const file = path.join(dir.path, "it's set.parquet");
    const rows: Record<string, FeatureValue>[] = [
      { city: '', trips: 1, ts: Date.UTC(2026, 0, 1) },
      { city: null, trips: null, ts: null },
      { city: 'a, "b"', trips: 3, ts: Date.UTC(2026, 0, 2) },
    ];
    const count = await writeTrainingSet({
      db: undefined as never,
      file,
      format: 'parquet',
      columns: [
        { name: 'city', type: 'string' },
        { name: 'trips', type: 'int64' },
        { name: 'ts', type: 'timestamp' },
      ],
      copySql: () => '',
      rows: async function* () {
        yield* rows;
      },
    });
    expect(count).toBe(3);
    const duck = await connectSharedTabularDb();
    try {
      const read = await duck.runAndReadAll(`select city, trips, epoch_ms(ts) as ts from read_parquet(${sqlString(file)})`);
      expect(read.getRowObjectsJS()).toEqual([
        { city: '', trips: 1n, ts: BigInt(Date.UTC(2026, 0, 1)) },
        { city: null, trips: null, ts: null },
        { city: 'a, "b"', trips: 3n, ts: BigInt(Date.UTC(2026, 0, 2)) },
      ]);
    } finally {
      duck.closeSync();
    }
  });
});
