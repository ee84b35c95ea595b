import { MlpError } from '@mlp/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { expectationCatalog, expectationTypes } from '../expectations/catalog.js';
import { parseExpectation, parseSuite, suiteToJson } from './suite.js';
import { defineSuite } from './suite-builder.js';
import { SUITE_FORMAT } from './suite-schema.js';
import { suiteFromZod } from './zod-suite.js';

function errorOf(work: () => unknown): MlpError {
  try {
    work();
  } catch (error) {
    if (MlpError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected an MlpError');
}

describe('the expectation catalog', () => {
  it('has at least 30 camelCase expectations, each with a zod schema and a kind', () => {
    expect(expectationTypes.length).toBeGreaterThanOrEqual(30);
    for (const type of expectationTypes) {
      expect(type).toMatch(/^expect[A-Z][A-Za-z]+$/);
      expect(['table', 'map', 'aggregate']).toContain(expectationCatalog[type].kind);
    }
  });

  it('gives every row-by-row expectation mostly in [0, 1], defaulting to 1', () => {
    for (const type of expectationTypes.filter((name) => expectationCatalog[name].kind === 'map')) {
      const schema = expectationCatalog[type].schema as z.ZodObject;
      expect(Object.keys(schema.shape)).toContain('mostly');
    }
    expect(parseExpectation({ type: 'expectColumnValuesToNotBeNull', args: { column: 'a' } }).args.mostly).toBe(1);
    expect(
      errorOf(() => parseExpectation({ type: 'expectColumnValuesToNotBeNull', args: { column: 'a', mostly: 1.5 } })).message,
    ).toContain('args.mostly');
  });
});

describe('parseExpectation', () => {
  it('lists the nearest names for an unknown expectation, camelCase or snake_case', () => {
    const typo = errorOf(() => parseExpectation({ type: 'expectColumnValuesToBeBetwen', args: {} }));
    expect(typo.code).toBe('INVALID_ARGUMENT');
    expect(typo.message).toContain('Did you mean expectColumnValuesToBeBetween');
    const snake = errorOf(() => parseExpectation({ type: 'expect_column_values_to_not_be_null', args: {} }));
    expect(snake.message).toContain('expectColumnValuesToNotBeNull');
  });

  it('names the zod path of a wrong argument', () => {
    const error = errorOf(() => parseExpectation({ type: 'expectColumnValuesToBeInSet', args: { column: 'a', valueSet: [1, { x: 1 }] } }));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain('args.valueSet.1');
    const missing = errorOf(() => parseExpectation({ type: 'expectColumnValuesToBeBetween', args: { minValue: 1 } }));
    expect(missing.message).toContain('args.column');
    const extra = errorOf(() => parseExpectation({ type: 'expectColumnValuesToBeUnique', args: { column: 'a', colum: 'b' } }));
    expect(extra.message).toContain('colum');
  });
});

describe('suites', () => {
  it('round-trips through the versioned JSON format', () => {
    const suite = defineSuite('flights', { description: 'arrivals' })
      .expect('expectColumnValuesToBeBetween', { column: 'delay', minValue: -60, maxValue: 600, mostly: 0.99 })
      .warn('expectColumnValuesToBeInSet', { column: 'origin', valueSet: ['SEA', 'LAX'] }, { meta: { owner: 'ops' } })
      .build();
    const json = suiteToJson(suite);
    expect(json.format).toBe(SUITE_FORMAT);
    expect(json.version).toBe(1);
    expect(parseSuite(JSON.stringify(json))).toEqual(suite);
    expect(suite.expectations[1]).toMatchObject({ severity: 'warn', meta: { owner: 'ops' } });
  });

  it('refuses a file of another format or version, and bad JSON, saying where', () => {
    expect(errorOf(() => parseSuite({ format: SUITE_FORMAT, version: 2, name: 'x', expectations: [] })).message).toContain('version');
    expect(errorOf(() => parseSuite('{nope')).message).toContain('not valid JSON');
    const nested = errorOf(() =>
      parseSuite({ format: SUITE_FORMAT, version: 1, name: 'x', expectations: [{ type: 'expectColumnValuesToBeUnique', args: {} }] }),
    );
    expect(nested.message).toContain('expectations.0');
    expect(nested.message).toContain('args.column');
  });

  it('checks builder arguments at once', () => {
    expect(() => defineSuite('x').expect('expectTableRowCountToEqual', { value: -1 })).toThrow(/args.value/);
  });
});

describe('suiteFromZod', () => {
  it('derives not-null, types, bounds, lengths, regexes and enum sets from a row schema', () => {
    const row = z.object({
      id: z.number().int().min(1),
      origin: z
        .string()
        .length(3)
        .regex(/^[A-Z]+$/),
      delay: z.number().gt(-120).lte(1440).nullable(),
      cabin: z.enum(['economy', 'business']),
      note: z.string().max(200).optional(),
      on_time: z.boolean(),
      departed: z.date(),
    });
    const suite = suiteFromZod('flights', row);
    const byColumn = (column: string) =>
      suite.expectations.filter((entry) => entry.args.column === column).map((entry) => [entry.type, entry.args]);
    expect(suite.expectations[0]).toMatchObject({
      type: 'expectTableColumnsToMatchSet',
      args: { columnSet: ['id', 'origin', 'delay', 'cabin', 'note', 'on_time', 'departed'] },
    });
    expect(byColumn('id')).toEqual([
      ['expectColumnValuesToNotBeNull', { column: 'id', mostly: 1 }],
      ['expectColumnValuesToBeOfType', { column: 'id', type: 'integer', mostly: 1 }],
      ['expectColumnValuesToBeBetween', { column: 'id', minValue: 1, maxValue: null, strictMin: false, strictMax: false, mostly: 1 }],
    ]);
    expect(byColumn('delay').map(([type]) => type)).not.toContain('expectColumnValuesToNotBeNull');
    expect(byColumn('delay')[1]?.[1]).toMatchObject({ minValue: -120, strictMin: true, maxValue: 1440, strictMax: false });
    expect(byColumn('origin').map(([type]) => type)).toEqual([
      'expectColumnValuesToNotBeNull',
      'expectColumnValuesToBeOfType',
      'expectColumnValueLengthsToEqual',
      'expectColumnValuesToMatchRegex',
    ]);
    expect(byColumn('cabin')[1]).toEqual([
      'expectColumnValuesToBeInSet',
      { column: 'cabin', valueSet: ['economy', 'business'], mostly: 1 },
    ]);
    expect(byColumn('note')).toEqual([
      ['expectColumnValuesToBeOfType', { column: 'note', type: 'string', mostly: 1 }],
      ['expectColumnValueLengthsToBeBetween', { column: 'note', minValue: null, maxValue: 200, mostly: 1 }],
    ]);
    expect(byColumn('departed')[1]).toEqual(['expectColumnValuesToBeOfType', { column: 'departed', type: 'timestamp', mostly: 1 }]);
  });
});
