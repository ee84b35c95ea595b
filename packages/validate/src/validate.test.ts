import { MlpError } from '@mlp/core';
import { describe, expect, it } from 'vitest';
import { createTable } from './engine/in-memory-table.js';
import { suiteToJson } from './suite/suite.js';
import { defineSuite } from './suite/suite-builder.js';
import { assertValid, validate } from './validate.js';

const rows = [
  { id: 1, origin: 'SEA', delay: 5 },
  { id: 2, origin: 'LAX', delay: null },
  { id: 3, origin: 'SFO', delay: 900 },
];

describe('validate and assertValid', () => {
  it('validates rows with a builder, a Suite or the suite JSON alike', async () => {
    const builder = defineSuite('rows').expect('expectColumnValuesToBeBetween', { column: 'delay', maxValue: 600 });
    const fromBuilder = await validate(rows, builder);
    const fromSuite = await validate(rows, builder.build());
    const fromJson = await validate(rows, JSON.stringify(suiteToJson(builder.build())));
    for (const result of [fromBuilder, fromSuite, fromJson]) {
      expect(result.engine).toBe('memory');
      expect(result.results[0]).toMatchObject({ success: false, unexpectedCount: 1, missingCount: 1, partialUnexpectedList: [900] });
    }
  });

  it('checks a hand-written Suite object like a suite file', async () => {
    const handWritten = {
      name: 'hand',
      expectations: [{ type: 'expectColumnValuesToBeUniqe', args: { column: 'id' }, severity: 'error' }],
    };
    await expect(validate(rows, handWritten)).rejects.toThrow(
      /expectations.0: unknown expectation "expectColumnValuesToBeUniqe". Did you mean expectColumnValuesToBeUnique/,
    );
  });

  it('validates an in-memory table of typed arrays', async () => {
    const table = createTable({ x: new Float64Array([1, 2, Number.NaN]) });
    const result = await validate(table, defineSuite('t').expect('expectColumnValuesToNotBeNull', { column: 'x', mostly: 0.6 }));
    expect(result.results[0]).toMatchObject({ success: true, unexpectedCount: 1, unexpectedPercent: (1 / 3) * 100 });
  });

  it('throws FAILED_PRECONDITION listing the failed error-severity expectations only', async () => {
    const suite = defineSuite('gate')
      .expect('expectColumnValuesToBeBetween', { column: 'delay', maxValue: 600 })
      .warn('expectColumnValuesToNotBeNull', { column: 'delay' })
      .expect('expectColumnValuesToBeUnique', { column: 'id' })
      .expect('expectColumnValuesToBeInSet', { column: 'airline', valueSet: ['AS'] });
    const error = await assertValid(rows, suite).catch((caught: unknown) => caught);
    expect(MlpError.isInstance(error)).toBe(true);
    const message = (error as MlpError).message;
    expect((error as MlpError).code).toBe('FAILED_PRECONDITION');
    expect(message).toContain('2 error-severity expectations failed');
    expect(message).toContain('#0 expectColumnValuesToBeBetween (delay): 1 unexpected (50%)');
    expect(message).toContain('#3 expectColumnValuesToBeInSet (airline): Column "airline" does not exist');
    expect(message).not.toContain('expectColumnValuesToNotBeNull');
  });

  it('passes when only warnings fail', async () => {
    const result = await assertValid(rows, defineSuite('warn').warn('expectColumnValuesToNotBeNull', { column: 'delay' }));
    expect(result.success).toBe(true);
    expect(result.statistics.unsuccessful).toBe(1);
  });
});
