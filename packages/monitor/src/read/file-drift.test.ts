import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MlpError } from '@mlp/core';
import { connectSharedTabularDb } from '@mlp/core/tabular';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { columnOf } from '../drift/column-data.js';
import { detectDrift } from '../drift/detect-drift.js';
import { detectFileDrift } from './file-drift.js';
import { readColumnData } from './read-column-data.js';

const require = createRequire(import.meta.url);
const flights2k = path.join(path.dirname(require.resolve('vega-datasets')), '..', 'data', 'flights-2k.json');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'mlp-monitor-read-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(name: string, content: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, content);
  return file;
}

describe('reading a file for drift', () => {
  it('reduces each column to its distinct values with counts, nulls and NaN counted apart', async () => {
    const file = await write(
      'mixed.csv',
      'x,label,flag,when\n1.5,a,true,2024-01-01\n,b,false,2024-01-02\nNaN,a,,2024-01-03\n1.5,,true,2024-01-04\n-2,a,true,2024-01-05\n',
    );
    const data = await readColumnData(file);
    expect(data.rows).toBe(5);
    expect(data.columns.x).toMatchObject({ kind: 'numeric', total: 3, nulls: 2, integer: false });
    expect(Array.from((data.columns.x as { values: Float64Array }).values)).toEqual([-2, 1.5]);
    expect(data.columns.label).toMatchObject({ kind: 'categorical', total: 4, nulls: 1 });
    expect(data.columns.flag).toMatchObject({ kind: 'categorical', total: 4, nulls: 1 });
    expect(data.ignored).toEqual([{ column: 'when', reason: 'a date column: dates and times are not tested for drift' }]);
  });

  it('gives the same verdict as the same values handed over in memory (flights, shifted delays)', async () => {
    const rows = JSON.parse(await import('node:fs/promises').then((fs) => fs.readFile(flights2k, 'utf8'))) as Record<string, unknown>[];
    const shifted = rows.slice(0, 800).map((row) => ({ ...row, delay: (row.delay as number) + 15 }));
    const currentFile = await write('shifted.json', JSON.stringify(shifted));
    const { result } = await detectFileDrift(flights2k, currentFile);
    const inMemory = (list: Record<string, unknown>[]) =>
      Object.fromEntries(
        ['delay', 'distance', 'origin', 'destination'].map((column) => [column, columnOf(list.map((row) => row[column]))]),
      );
    const expected = detectDrift(inMemory(rows), inMemory(shifted));
    const compared = result.columns.filter((column) => column.column !== 'date');
    // The same scores up to the order of summing categories' shares.
    expect(compared.map(({ score, ...rest }) => ({ ...rest, score: Number(score?.toPrecision(12)) }))).toEqual(
      expected.columns.map(({ score, ...rest }) => ({ ...rest, score: Number(score?.toPrecision(12)) })),
    );
    expect(result.columns.find((column) => column.column === 'delay')).toMatchObject({ test: 'wasserstein', drifted: true });
    expect(result.columns.find((column) => column.column === 'distance')).toMatchObject({ test: 'wasserstein', drifted: false });
  });

  it('reads Parquet column by column on several connections, to the same data as the CSV it came from', async () => {
    const csv = await write(
      'many.csv',
      `a,b,c,d,e\n${Array.from({ length: 500 }, (_, i) => `${i % 37},${i * 0.5},k${i % 7},${i % 2 === 0},${i % 3 ? i : ''}`).join('\n')}\n`,
    );
    const parquet = path.join(dir, 'many.parquet');
    const connection = await connectSharedTabularDb();
    try {
      await connection.run(`COPY (SELECT * FROM read_csv('${csv}')) TO '${parquet}' (FORMAT parquet)`);
    } finally {
      connection.closeSync();
    }
    const fromCsv = await readColumnData(csv);
    const fromParquet = await readColumnData(parquet, { lanes: 3 });
    expect(Object.keys(fromParquet.columns)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(fromParquet.columns).toEqual(fromCsv.columns);
    expect(fromParquet.columns.e).toMatchObject({ total: 333, nulls: 167 });
  });

  it('reports a column missing from one side and a type mismatch per column', async () => {
    const reference = await write('ref.csv', `a,b,c\n${Array.from({ length: 30 }, (_, i) => `${i},${i},x${i % 3}`).join('\n')}\n`);
    const current = await write('cur.csv', `a,c\n${Array.from({ length: 30 }, (_, i) => `${i + 1},${i}`).join('\n')}\n`);
    const { result } = await detectFileDrift(reference, current);
    expect(result.columns.map(({ column, test, problem }) => [column, test, problem ?? null])).toEqual([
      ['a', 'ks', null],
      ['b', null, 'missing from the current data'],
      ['c', null, 'categorical in the reference but numeric in the current data'],
    ]);
  });

  it('names the prediction and target drift of files', async () => {
    const reference = await write(
      'ref-pt.csv',
      `x,prediction,target\n${Array.from({ length: 30 }, (_, i) => `${i},${i % 2},${i % 2}`).join('\n')}\n`,
    );
    const current = await write(
      'cur-pt.csv',
      `x,prediction,target\n${Array.from({ length: 30 }, (_, i) => `${i},1,${i % 2}`).join('\n')}\n`,
    );
    const { result } = await detectFileDrift(reference, current);
    expect([result.prediction?.drifted, result.target?.drifted]).toEqual([true, false]);
  });

  it('throws an MlpError for an empty window, and for an unreadable file', async () => {
    const reference = await write('some.csv', 'a\n1\n2\n');
    const empty = await write('empty.csv', 'a\n');
    const error = await detectFileDrift(reference, empty).catch((caught: unknown) => caught);
    expect(MlpError.isInstance(error) && error.message).toMatch(/No column could be tested for drift \(a: the current data is empty\)/);
    const missing = await detectFileDrift(reference, path.join(dir, 'nope.csv')).catch((caught: unknown) => caught);
    expect(MlpError.isInstance(missing) && missing.code).toBe('INVALID_ARGUMENT');
  });
});
