import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MlpError } from '@mlp/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTable } from './read-table.js';

// vega-datasets exports only its build entry (not package.json), so the data folder is found from it.
const flights = path.join(path.dirname(createRequire(import.meta.url).resolve('vega-datasets')), '..', 'data', 'flights-3m.parquet');
const columns = ['date', 'delay', 'distance', 'origin', 'destination'];

async function rejection(promise: Promise<unknown>): Promise<MlpError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(MlpError.isInstance(error)).toBe(true);
  return error as MlpError;
}

describe('readTable on the flights parquet', () => {
  it('reads a seeded sample with the target, converting every type', async () => {
    const table = await readTable(flights, { columns, target: { name: 'late', expression: 'delay > 15' }, rows: 2000, seed: 7 });
    expect(table.rowCount).toBe(2000);
    expect([...table.columns.keys()]).toEqual([...columns, 'late']);
    const date = table.columns.get('date') ?? [];
    const delay = table.columns.get('delay') ?? [];
    const late = table.columns.get('late') ?? [];
    expect(date.every((cell) => cell instanceof Date && !Number.isNaN(cell.getTime()))).toBe(true);
    expect(delay.every((cell) => typeof cell === 'number')).toBe(true);
    expect(table.columns.get('origin')?.every((cell) => typeof cell === 'string')).toBe(true);
    // The computed target agrees with the delay it was computed from, row by row.
    late.forEach((cell, row) => {
      expect(cell).toBe((delay[row] as number) > 15);
    });
  });

  it('gives the same sample for the same seed, another for another seed', async () => {
    const read = (seed: number) => readTable(flights, { columns: ['date', 'delay'], rows: 500, seed });
    const [first, again, other] = await Promise.all([read(3), read(3), read(4)]);
    const times = (table: typeof first) => (table.columns.get('date') ?? []).map((cell) => (cell as Date).getTime());
    expect(times(again)).toEqual(times(first));
    expect(times(other)).not.toEqual(times(first));
  });

  it('keeps a sample in file order', async () => {
    const sample = await readTable(flights, { columns: ['date'], rows: 300, seed: 1 });
    // The parquet file is sorted by date, so file order shows as non-decreasing timestamps.
    const times = (sample.columns.get('date') ?? []).map((cell) => (cell as Date).getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('names a missing column and lists the real ones', async () => {
    const error = await rejection(readTable(flights, { columns: ['delay', 'arrival'] }));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain('"arrival"');
    for (const column of columns) expect(error.message).toContain(column);
  });

  it("quotes DuckDB's message for a bad target expression", async () => {
    const error = await rejection(readTable(flights, { columns: ['delay'], target: { name: 'late', expression: 'dely > 15' } }));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain('dely');
    expect(error.message).toMatch(/Binder Error/);
  });

  it('reports a missing file as NOT_FOUND', async () => {
    const error = await rejection(readTable(path.join(tmpdir(), 'mlp-no-such-file.parquet'), { columns: ['a'] }));
    expect(error.code).toBe('NOT_FOUND');
  });
});

let folder: string | undefined;
async function dir(): Promise<string> {
  folder ??= await mkdtemp(path.join(tmpdir(), 'mlp-read-table-'));
  return folder;
}

describe('readTable on small text files', () => {
  let csv = '';
  let jsonl = '';
  let tsv = '';
  beforeAll(async () => {
    const base = await dir();
    csv = path.join(base, 'rows.csv');
    tsv = path.join(base, 'rows.tsv');
    jsonl = path.join(base, 'rows.jsonl');
    await writeFile(csv, 'id,price,city,sold,"odd ""name"""\n1,2.5,Oslo,true,x\n2,,Rome,false,y\n3,4.25,,true,z\n');
    await writeFile(tsv, 'id\tcity\n1\tOslo\n2\tRome\n');
    await writeFile(
      jsonl,
      [
        '{"when":"2024-03-01T10:30:00Z","v":1,"tag":"a"}',
        '{"when":"2024-03-02T11:00:00Z","v":null,"tag":"b"}',
        '{"when":null,"v":3.5,"tag":null}',
      ].join('\n'),
    );
  });
  afterAll(async () => {
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('reads CSV values with nulls, and a quoted column name', async () => {
    const table = await readTable(csv, { columns: ['id', 'price', 'city', 'sold', 'odd "name"'] });
    expect(table.rowCount).toBe(3);
    expect(table.columns.get('id')).toEqual([1, 2, 3]);
    expect(table.columns.get('price')).toEqual([2.5, null, 4.25]);
    expect(table.columns.get('city')).toEqual(['Oslo', 'Rome', null]);
    expect(table.columns.get('sold')).toEqual([true, false, true]);
    expect(table.columns.get('odd "name"')).toEqual(['x', 'y', 'z']);
  });

  it('computes a target over CSV columns', async () => {
    const table = await readTable(csv, { columns: ['id'], target: { name: 'cheap', expression: 'price < 3' } });
    expect(table.columns.get('cheap')).toEqual([true, null, false]);
  });

  it('reads TSV', async () => {
    const table = await readTable(tsv, { columns: ['city'] });
    expect(table.columns.get('city')).toEqual(['Oslo', 'Rome']);
  });

  it('reads JSON lines, timestamps as Dates', async () => {
    const table = await readTable(jsonl, { columns: ['when', 'v', 'tag'] });
    expect(table.columns.get('when')).toEqual([new Date('2024-03-01T10:30:00Z'), new Date('2024-03-02T11:00:00Z'), null]);
    expect(table.columns.get('v')).toEqual([1, null, 3.5]);
    expect(table.columns.get('tag')).toEqual(['a', 'b', null]);
  });

  it('returns every row when rows exceeds the file', async () => {
    const table = await readTable(csv, { columns: ['id'], rows: 10, seed: 5 });
    expect(table.columns.get('id')).toEqual([1, 2, 3]);
  });

  it('refuses an unknown extension and a target named like a column', async () => {
    expect((await rejection(readTable(path.join(await dir(), 'rows.xlsx'), { columns: ['id'] }))).code).toBe('INVALID_ARGUMENT');
    expect((await rejection(readTable(csv, { columns: ['id'], target: { name: 'id', expression: 'id > 1' } }))).code).toBe(
      'INVALID_ARGUMENT',
    );
  });

  it('stops when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(readTable(csv, { columns: ['id'], signal: controller.signal })).rejects.toThrow();
  });
});

describe('readTable on a CSV with a malformed row', () => {
  it('names the line of the row instead of reading the file as one column', async () => {
    const base = await mkdtemp(path.join(tmpdir(), 'mlp-read-table-'));
    const file = path.join(base, 'malformed.csv');
    const lines = ['date,distance,origin', ...Array.from({ length: 3000 }, (_, row) => `2001-01-02T08:00:00Z,${100 + row},SEA`)];
    lines[1500] = '2001-01-02T08:00:00Z,400,SEA,surplus'; // line 1501 of the file
    await writeFile(file, `${lines.join('\n')}\n`);
    const error = await rejection(readTable(file, { columns: ['distance'] }));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain('line 1501 has 4 fields; the header has 3');
    expect(error.message).not.toContain('has no column');
    expect(error.details).toMatchObject({ line: 1501 });
    // As the last line, DuckDB sniffs that row as the header: still the line, not a missing column.
    await writeFile(file, `${lines.slice(0, 1501).join('\n')}\n`);
    expect((await rejection(readTable(file, { columns: ['distance'] }))).message).toContain('line 1501 has 4 fields');
    await rm(base, { recursive: true, force: true });
  });
});
