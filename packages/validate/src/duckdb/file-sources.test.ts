import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MlpError } from '@mlp/core';
import { createTempDir, type TempDir } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInMemoryEngine } from '../engine/in-memory-engine.js';
import { tableFromRows } from '../engine/in-memory-table.js';
import type { ExpectationResult, ValidationResult } from '../result/validation-result.js';
import { parseExpectation, type Suite } from '../suite/suite.js';
import { defineSuite } from '../suite/suite-builder.js';
import { profile } from '../validate.js';
import { openDuckDbEngine } from './duckdb-engine.js';

// vega-datasets exports no paths; its files sit in the workspace's node_modules.
const datasets = path.resolve(import.meta.dirname, '../../../../node_modules/vega-datasets/data');

/** A wide suite over the penguins data: every family of expectation, on numbers, strings and nulls. */
function penguinSuite(): Suite {
  const builder = defineSuite('penguins')
    .expect('expectTableRowCountToBeBetween', { minValue: 300 })
    .expect('expectTableColumnsToMatchSet', { columnSet: ['Species', 'Island', 'Sex'], exactMatch: false })
    .expect('expectCompoundColumnsToBeUnique', { columnList: ['Species', 'Island', 'Sex'] })
    .expect('expectColumnPairValuesAToBeGreaterThanB', { columnA: 'Body Mass (g)', columnB: 'Flipper Length (mm)' })
    .expect('expectColumnPairValuesToBeEqual', {
      columnA: 'Beak Length (mm)',
      columnB: 'Beak Depth (mm)',
      ignoreRowIf: 'eitherValueIsMissing',
    });
  for (const column of ['Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)', 'Body Mass (g)']) {
    builder
      .expect('expectColumnValuesToNotBeNull', { column })
      .expect('expectColumnValuesToBeBetween', { column, minValue: 15, maxValue: 60, mostly: 0.5 })
      .expect('expectColumnValuesToBeOfType', { column, type: 'integer' })
      .expect('expectColumnValuesToBeUnique', { column })
      .expect('expectColumnValueZScoresToBeLessThan', { column, threshold: 2 })
      .expect('expectColumnValuesToBeIncreasing', { column })
      .expect('expectColumnValuesToBeInSet', { column, valueSet: [181, 186, 195, 3750, 39.1] })
      .expect('expectColumnMinToBeBetween', { column, minValue: 0 })
      .expect('expectColumnMaxToBeBetween', { column, maxValue: 100 })
      .expect('expectColumnMeanToBeBetween', { column, minValue: 10, maxValue: 50 })
      .expect('expectColumnMedianToBeBetween', { column, minValue: 10, maxValue: 50 })
      .expect('expectColumnSumToBeBetween', { column, minValue: 0 })
      .expect('expectColumnStdevToBeBetween', { column, maxValue: 10 })
      .expect('expectColumnQuantileValuesToBeBetween', {
        column,
        quantileRanges: {
          quantiles: [0.05, 0.25, 0.5, 0.95],
          valueRanges: [
            [null, null],
            [null, 40],
            [null, null],
            [null, null],
          ],
        },
      })
      .expect('expectColumnUniqueValueCountToBeBetween', { column, minValue: 50 })
      .expect('expectColumnProportionOfUniqueValuesToBeBetween', { column, minValue: 0.5 })
      .expect('expectColumnMostCommonValueToBeInSet', { column, valueSet: [190, 41.1, 17] })
      .expect('expectColumnDistinctValuesToBeInSet', { column, valueSet: [190] })
      .expect('expectColumnKlDivergenceToBeLessThan', {
        column,
        partitionObject: { bins: [0, 20, 40, 200, 6500], weights: [1, 1, 1, 1] },
        threshold: 0.5,
      });
  }
  for (const column of ['Species', 'Island', 'Sex']) {
    builder
      .expect('expectColumnValuesToNotBeNull', { column, mostly: 0.99 })
      .expect('expectColumnValuesToBeInSet', { column, valueSet: ['Adelie', 'Gentoo', 'Biscoe', 'Dream', 'MALE'] })
      .expect('expectColumnValuesToMatchRegex', { column, regex: '^[A-Z][a-z]+$' })
      .expect('expectColumnValueLengthsToBeBetween', { column, minValue: 5, maxValue: 6 })
      .expect('expectColumnDistinctValuesToEqualSet', { column, valueSet: ['Adelie', 'Chinstrap', 'Gentoo'] })
      .expect('expectColumnDistinctValuesToContainSet', { column, valueSet: ['Dream'] })
      .expect('expectColumnMostCommonValueToBeInSet', { column, valueSet: ['Adelie', 'MALE'] })
      .expect('expectColumnKlDivergenceToBeLessThan', {
        column,
        partitionObject: { values: ['Adelie', 'Gentoo', 'Biscoe'], weights: [2, 1, 1] },
        threshold: 1,
        internalWeightHoldout: 0.1,
      });
  }
  return builder.build();
}

/** The results without what legitimately differs between engines (names, timings, native type names). */
function comparable(result: ValidationResult) {
  return result.results.map((entry) => ({ ...entry, observedValue: round(entry.observedValue) }));
}

function round(value: unknown): unknown {
  if (typeof value === 'number') return Number.isInteger(value) ? value : Number(value.toPrecision(10));
  if (Array.isArray(value)) return value.map(round);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, round(inner)]));
  return value;
}

describe('the DuckDB engine on files', () => {
  let dir: TempDir;
  beforeAll(async () => {
    dir = await createTempDir('mlp-validate-files-');
  });
  afterAll(async () => {
    await dir.remove();
  });

  it('gives the same results as the in-memory engine on real data (penguins, with nulls)', async () => {
    const rows = JSON.parse(readFileSync(path.join(datasets, 'penguins.json'), 'utf8')) as Record<string, unknown>[];
    const suite = penguinSuite();
    expect(suite.expectations.length).toBeGreaterThan(90);
    const memory = await createInMemoryEngine(tableFromRows(rows)).validate(suite);
    const engine = await openDuckDbEngine(path.join(datasets, 'penguins.json'));
    const duck = await engine.validate(suite);
    await engine.close();
    expect(duck.rowCount).toBe(memory.rowCount);
    expect(duck.columns.map((column) => [column.name, column.kind])).toEqual(memory.columns.map((column) => [column.name, column.kind]));
    expect(comparable(duck)).toEqual(comparable(memory));
    expect(duck.statistics).toEqual(memory.statistics);
    // The suite is meant to exercise failures too.
    expect(memory.statistics.unsuccessful).toBeGreaterThan(20);
    expect(memory.results.some((entry: ExpectationResult) => (entry.partialUnexpectedIndexList?.length ?? 0) > 0)).toBe(true);
  });

  it('agrees with the in-memory engine on a profiled, then tightened, suite of 20,000 flights', async () => {
    const file = path.join(datasets, 'flights-20k.json');
    const rows = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>[];
    const profiled = await profile(file);
    // Tighten every numeric range so the row-by-row expectations fail and sample unexpected values.
    const tightened: Suite = {
      ...profiled,
      expectations: profiled.expectations.map((entry) =>
        entry.type === 'expectColumnValuesToBeBetween'
          ? { ...entry, args: { ...entry.args, minValue: 0, maxValue: 1000 } }
          : entry.type === 'expectColumnValuesToBeInSet'
            ? { ...entry, args: { ...entry.args, valueSet: (entry.args.valueSet as unknown[]).slice(1) } }
            : entry,
      ),
    };
    tightened.expectations.push(
      parseExpectation({ type: 'expectColumnValuesToBeParseableAsDate', args: { column: 'date' } }),
      parseExpectation({ type: 'expectColumnValuesToMatchStrftimeFormat', args: { column: 'date', strftimeFormat: '%Y/%m/%d %H:%M' } }),
      parseExpectation({ type: 'expectColumnPairValuesAToBeGreaterThanB', args: { columnA: 'distance', columnB: 'delay' } }),
      parseExpectation({ type: 'expectCompoundColumnsToBeUnique', args: { columnList: ['origin', 'destination', 'date'] } }),
    );
    const memory = await createInMemoryEngine(tableFromRows(rows)).validate(tightened);
    const engine = await openDuckDbEngine(file);
    const duck = await engine.validate(tightened);
    await engine.close();
    expect(comparable(duck)).toEqual(comparable(memory));
    expect(memory.results.filter((entry) => !entry.success).length).toBeGreaterThan(2);
    // Two engines over 20,000 rows: 2–3 s alone, past vitest's 5 s default on a loaded 2-core machine.
  }, 60_000);

  it('reads CSV and JSONL, with row indexes in file order', async () => {
    const csv = path.join(dir.path, 'weather.csv');
    await writeFile(csv, 'day,temp,kind\n2024-01-01,3.5,sun\n2024-01-02,,rain\n2024-01-03,-40,snow\n2024-01-04,12,fog\n');
    const jsonl = path.join(dir.path, 'weather.jsonl');
    await writeFile(
      jsonl,
      '{"day":"2024-01-01","temp":3.5,"kind":"sun"}\n{"day":"2024-01-02","temp":null,"kind":"rain"}\n{"day":"2024-01-03","temp":-40,"kind":"snow"}\n{"day":"2024-01-04","temp":12,"kind":"fog"}\n',
    );
    const suite = defineSuite('weather')
      .expect('expectColumnValuesToBeBetween', { column: 'temp', minValue: -30, maxValue: 45 })
      .expect('expectColumnValuesToBeInSet', { column: 'kind', valueSet: ['sun', 'rain', 'snow'] })
      .expect('expectColumnMinToBeBetween', { column: 'day', minValue: '2024-01-01' })
      .build();
    for (const file of [csv, jsonl]) {
      const engine = await openDuckDbEngine(file);
      const result = await engine.validate(suite);
      await engine.close();
      expect(result.rowCount).toBe(4);
      expect(result.results[0]).toMatchObject({
        success: false,
        missingCount: 1,
        unexpectedCount: 1,
        partialUnexpectedList: [-40],
        partialUnexpectedIndexList: [2],
      });
      expect(result.results[1]).toMatchObject({
        success: false,
        unexpectedCount: 1,
        partialUnexpectedList: ['fog'],
        partialUnexpectedIndexList: [3],
      });
      expect(result.results[2]).toMatchObject({ success: true, observedValue: '2024-01-01T00:00:00.000Z' });
    }
  });

  it('keeps file order for row indexes and order checks on large CSV and JSONL files (parallel reads)', async () => {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const csv = path.join(dir.path, 'rows.csv');
    const jsonl = path.join(dir.path, 'rows.jsonl');
    const rows = `SELECT range AS id, (range * 7) % 1000 AS v FROM range(400000)`;
    await connection.run(`COPY (${rows}) TO '${csv}' (HEADER)`);
    await connection.run(`COPY (${rows}) TO '${jsonl}'`);
    connection.closeSync();
    instance.closeSync();
    const suite = defineSuite('order')
      .expect('expectColumnValuesToBeIncreasing', { column: 'id', strictly: true })
      .expect('expectColumnValuesToBeBetween', { column: 'v', maxValue: 990 })
      .build();
    for (const file of [csv, jsonl]) {
      const engine = await openDuckDbEngine(file);
      const result = await engine.validate(suite);
      await engine.close();
      expect(result.results[0]).toMatchObject({ success: true, unexpectedCount: 0 });
      // Row i holds v = 7i mod 1000; the first rows above 990 are 142 (994), 285 (995), 428 (996).
      expect(result.results[1]!.partialUnexpectedIndexList!.slice(0, 3)).toEqual([142, 285, 428]);
      expect(result.results[1]!.partialUnexpectedList!.slice(0, 3)).toEqual([994, 995, 996]);
    }
  });

  it('reports a malformed CSV row with its line number', async () => {
    const file = path.join(dir.path, 'broken.csv');
    const lines = ['a,b,c', ...Array.from({ length: 300 }, (_, i) => `${i},x${i},${i * 2}`)];
    lines[120] = '119,x119,238,surplus';
    await writeFile(file, `${lines.join('\n')}\n`);
    const engine = await openDuckDbEngine(file);
    const error = await engine
      .validate(defineSuite('x').expect('expectColumnValuesToNotBeNull', { column: 'a' }).build())
      .catch((caught: unknown) => caught);
    await engine.close();
    expect(MlpError.isInstance(error)).toBe(true);
    expect((error as MlpError).code).toBe('INVALID_ARGUMENT');
    expect((error as MlpError).message).toContain('line 121 has 4 fields; the header has 3');
  });

  it('keeps a pattern RE2 refuses to its own expectation; the rest of the suite still runs', async () => {
    const file = path.join(dir.path, 'codes.csv');
    await writeFile(file, 'code,n\nab,1\nac,2\nzz,3\n');
    const engine = await openDuckDbEngine(file);
    const result = await engine.validate(
      defineSuite('lookahead')
        .expect('expectColumnValuesToMatchRegex', { column: 'code', regex: 'a(?=b)' })
        .expect('expectColumnValuesToBeBetween', { column: 'n', maxValue: 2 })
        .expect('expectColumnMaxToBeBetween', { column: 'n', maxValue: 3 })
        .build(),
    );
    await engine.close();
    expect(result.results[0]).toMatchObject({ success: false, exception: { code: 'INVALID_ARGUMENT' } });
    expect(result.results[0]!.exception!.message).toContain('expectColumnValuesToMatchRegex');
    expect(result.results[1]).toMatchObject({ success: false, unexpectedCount: 1, partialUnexpectedList: [3] });
    expect(result.results[2]).toMatchObject({ success: true, observedValue: 3 });
  });

  it('refuses an unreadable file with an MlpError naming it', async () => {
    const file = path.join(dir.path, 'corrupt.parquet');
    await writeFile(file, 'this is not parquet');
    const engine = await openDuckDbEngine(file);
    const error = await engine
      .validate(defineSuite('x').expect('expectTableRowCountToBeBetween', { minValue: 1 }).build())
      .catch((caught: unknown) => caught);
    await engine.close();
    expect(MlpError.isInstance(error)).toBe(true);
    expect((error as MlpError).message).toContain(`Cannot read ${file}`);
  });

  it('stops when the signal aborts, with an MlpError', async () => {
    const engine = await openDuckDbEngine(path.join(datasets, 'flights-3m.parquet'));
    const controller = new AbortController();
    const running = engine.validate(defineSuite('slow').expect('expectColumnValuesToBeUnique', { column: 'date' }).build(), {
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 5);
    await expect(running).rejects.toMatchObject({ code: 'FAILED_PRECONDITION', message: expect.stringContaining('cancelled') });
    await engine.close();
  });

  it('refuses a missing file and an unknown extension', async () => {
    await expect(openDuckDbEngine(path.join(dir.path, 'absent.parquet'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(openDuckDbEngine(path.join(dir.path, 'data.xlsx'))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('handles an in-set check against a large set through a temporary table', async () => {
    const file = path.join(dir.path, 'ids.csv');
    await writeFile(file, `id\n${Array.from({ length: 5000 }, (_, i) => i * 3).join('\n')}\n`);
    const allowed = Array.from({ length: 10_000 }, (_, i) => i);
    const engine = await openDuckDbEngine(file);
    const result = await engine.validate(
      defineSuite('ids').expect('expectColumnValuesToBeInSet', { column: 'id', valueSet: allowed }).build(),
    );
    await engine.close();
    // i * 3 < 10,000 for i up to 3333.
    expect(result.results[0]).toMatchObject({
      unexpectedCount: 5000 - 3334,
      partialUnexpectedList: [10_002, 10_005, 10_008].concat(result.results[0]!.partialUnexpectedList!.slice(3) as number[]),
    });
    expect(result.results[0]!.partialUnexpectedIndexList![0]).toBe(3334);
  });
});
