import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { MlpError } from '@mlp/core';
import { createTempDir, type TempDir } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTable } from './open-table.js';

const vega = path.join(path.dirname(createRequire(import.meta.url).resolve('vega-datasets')), '..', 'data');
const flightsParquet = path.join(vega, 'flights-3m.parquet');
const weatherCsv = path.join(vega, 'seattle-weather.csv');
const penguinsJson = path.join(vega, 'penguins.json');

let temp: TempDir;
beforeAll(async () => {
  temp = await createTempDir('mlp-readers-');
});
afterAll(() => temp.remove());

async function thrown(promise: Promise<unknown>): Promise<MlpError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!MlpError.isInstance(error)) throw new Error(`expected an MlpError, got ${String(error)}`);
  return error;
}

describe('openTable on the vega-datasets files', () => {
  it('streams the first rows of the 3-million-row flights Parquet file', async () => {
    const table = await openTable(flightsParquet, { limit: 5 });
    const rows = [];
    for await (const row of table) rows.push(row);
    expect(rows).toHaveLength(5);
    expect(Object.keys(rows[0] ?? {})).toEqual(['date', 'delay', 'distance', 'origin', 'destination']);
    expect(rows[0]?.date).toBeInstanceOf(Date);
    expect(typeof rows[0]?.delay).toBe('number'); // BIGINT read as a number when it fits
    expect(typeof rows[0]?.origin).toBe('string');
  });

  it('gives the schema of the Parquet file from its footer', async () => {
    const schema = await (await openTable(flightsParquet)).schema();
    expect(schema).toEqual({
      format: 'parquet',
      rowCount: 3_000_000,
      columns: [
        { name: 'date', type: 'TIMESTAMP' },
        { name: 'delay', type: 'BIGINT' },
        { name: 'distance', type: 'BIGINT' },
        { name: 'origin', type: 'VARCHAR' },
        { name: 'destination', type: 'VARCHAR' },
      ],
    });
  });

  it('reads selected columns as typed arrays', async () => {
    const columns = await (await openTable(weatherCsv, { columns: ['temp_max', 'weather'] })).columns();
    expect(Object.keys(columns)).toEqual(['temp_max', 'weather']);
    expect(columns.temp_max).toBeInstanceOf(Float64Array);
    expect(columns.temp_max?.length).toBe(1461);
    expect(columns.temp_max?.[0]).toBe(12.8);
    expect(columns.weather?.[0]).toBe('drizzle');
  });

  it('reads a JSON array file and the CSV schema', async () => {
    const penguins = await openTable(penguinsJson, { limit: 2 });
    const rows = [];
    for await (const row of penguins) rows.push(row);
    expect(rows[0]?.Species).toBe('Adelie');
    const schema = await (await openTable(weatherCsv)).schema();
    expect(schema.rowCount).toBe(1461);
    expect(schema.columns[0]).toEqual({ name: 'date', type: 'DATE' });
  });

  it('reads a tab-separated file by its .tsv extension', async () => {
    const table = await openTable(path.join(vega, 'unemployment.tsv'));
    expect(await table.schema()).toEqual({
      format: 'tsv',
      rowCount: 3218,
      columns: [
        { name: 'id', type: 'BIGINT' },
        { name: 'rate', type: 'DOUBLE' },
      ],
    });
    const columns = await table.columns();
    expect(columns.rate?.[0]).toBe(0.097);
  });

  it('reads JSON lines, null becoming NaN in a numeric column', async () => {
    const file = path.join(temp.path, 'points.jsonl');
    await writeFile(file, '{"x": 1.5, "label": "a"}\n{"x": null, "label": "b"}\n{"x": 3, "label": null}\n');
    const columns = await (await openTable(file)).columns();
    expect(Array.from(columns.x as Float64Array)).toEqual([1.5, Number.NaN, 3]);
    expect(columns.label).toEqual(['a', 'b', null]);
  });
});

describe('openTable on bad input', () => {
  it('names the line of a CSV row with too many fields', async () => {
    const file = path.join(temp.path, 'extra-field.csv');
    await writeFile(file, 'a,b\n1,2\n3,4,5\n6,7\n');
    const error = await thrown((async () => (await openTable(file)).columns())());
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain(`Malformed CSV in ${file}: line 3 has 3 fields; the header has 2`);
    expect(error.details).toMatchObject({ line: 3 });
  });

  it('names the line of an unclosed quote far into a large CSV', async () => {
    const file = path.join(temp.path, 'late-quote.csv');
    const good = Array.from({ length: 50_000 }, (_, i) => `${i},name-${i}`).join('\n');
    await writeFile(file, `id,name\n${good}\n50000,"unclosed\n50001,x\n`);
    const error = await thrown(
      (async () => {
        for await (const _row of await openTable(file)) {
          // read to the end
        }
      })(),
    );
    expect(error.message).toContain('line 50002 opens a quoted field that never closes');
  });

  it('rejects a missing file, an unknown format, an unknown column and a bad limit', async () => {
    expect((await thrown(openTable(path.join(temp.path, 'nope.csv')))).code).toBe('NOT_FOUND');
    expect((await thrown(openTable(path.join(temp.path, 'data.xlsx')))).message).toContain('Cannot tell the format');
    const unknownColumn = await thrown((async () => (await openTable(weatherCsv, { columns: ['wnd'] })).columns())());
    expect(unknownColumn.message).toContain('has no column "wnd"');
    expect((await thrown(openTable(weatherCsv, { limit: -1 }))).code).toBe('INVALID_ARGUMENT');
  });
});
