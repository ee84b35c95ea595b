import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MlpError } from '@mlp/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTable } from './read-table.js';
import { readTableChunks } from './read-table-chunks.js';
import type { Table } from './table.js';

const flights = path.join(path.dirname(createRequire(import.meta.url).resolve('vega-datasets')), '..', 'data', 'flights-3m.parquet');

async function collect(chunks: AsyncIterable<Table>): Promise<Table[]> {
  const tables: Table[] = [];
  for await (const table of chunks) tables.push(table);
  return tables;
}

let folder = '';
beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'mlp-read-chunks-'));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('readTableChunks', () => {
  it('streams a CSV in file order, in tables of about chunkRows rows, the same cells as readTable', async () => {
    const file = path.join(folder, 'rows.csv');
    const lines = ['id,when,city', ...Array.from({ length: 10_000 }, (_, row) => `${row},2001-01-0${1 + (row % 9)}T08:00:00Z,c${row % 7}`)];
    await writeFile(file, `${lines.join('\n')}\n`);
    const tables = await collect(readTableChunks(file, { columns: ['id', 'when', 'city'], chunkRows: 4096 }));
    expect(tables.length).toBeGreaterThan(1);
    for (const table of tables.slice(0, -1)) expect(table.rowCount).toBeGreaterThanOrEqual(4096);
    const whole = await readTable(file, { columns: ['id', 'when', 'city'] });
    for (const column of ['id', 'when', 'city'])
      expect(tables.flatMap((table) => [...(table.columns.get(column) ?? [])])).toEqual(whole.columns.get(column));
  });

  it('reads the 3M-row flights Parquet a chunk at a time (only the first chunks are taken)', async () => {
    let rows = 0;
    for await (const table of readTableChunks(flights, { columns: ['date', 'distance'], chunkRows: 10_000 })) {
      expect(table.columns.get('date')?.[0]).toBeInstanceOf(Date);
      rows += table.rowCount;
      if (rows >= 30_000) break;
    }
    expect(rows).toBeGreaterThanOrEqual(30_000);
  });

  it('names the line of a malformed CSV row, and a missing column', async () => {
    const file = path.join(folder, 'bad.csv');
    await writeFile(file, 'a,b\n1,2\n3,4,5\n6,7\n');
    const malformed = await collect(readTableChunks(file, { columns: ['a'] })).catch((error: unknown) => error);
    expect(MlpError.isInstance(malformed) && malformed.message).toContain('line 3 has 3 fields; the header has 2');
    const missing = await collect(readTableChunks(path.join(folder, 'rows.csv'), { columns: ['nope'] })).catch((error: unknown) => error);
    expect(MlpError.isInstance(missing) && missing.message).toContain('has no column "nope"');
    // Predict reads data this way too, where there is no spec to fix: the data may be what is wrong.
    expect(MlpError.isInstance(missing) && missing.message).toMatch(
      /Give data with those columns, or fix the column names in the training spec\.$/,
    );
  });
});
