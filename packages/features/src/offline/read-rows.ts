import type { Database } from '@mlp/core';
import type { FeatureValue } from '../definitions/feature-types.js';
import type { TrainingSetColumn } from './training-set.js';

/** The point-in-time join hashes a few million rows: in memory rather than in batches on disk. */
export const joinWorkMem = `set local work_mem = '256MB'`;

/** Streams a query's rows through a cursor, `batchSize` at a time, with int64 and timestamps as numbers. */
export async function* readRows(
  db: Database,
  sql: string,
  columns: readonly TrainingSetColumn[],
  batchSize: number,
): AsyncIterable<Record<string, FeatureValue>> {
  const numeric = columns.filter((column) => column.type === 'int64' || column.type === 'timestamp').map((column) => column.name);
  const client = await db.connect();
  let open = false;
  try {
    await client.query('begin read only');
    open = true;
    await client.query(joinWorkMem);
    await client.query(`declare training_rows no scroll cursor for ${sql}`);
    while (true) {
      const result = await client.query(`fetch ${Math.max(1, Math.trunc(batchSize))} from training_rows`);
      for (const row of result.rows as Record<string, FeatureValue>[]) {
        // node-pg returns bigint as text (it may not fit a double); feature values are numbers
        for (const name of numeric) if (row[name] !== null && row[name] !== undefined) row[name] = Number(row[name]);
        yield row;
      }
      if (result.rows.length === 0) break;
    }
    await client.query('commit');
    open = false;
  } finally {
    if (open) await client.query('rollback').catch(() => {});
    client.release();
  }
}
