import { describe, expect, it } from 'vitest';
import type { Cell, Table } from '../data/table.js';
import { targetSchema } from '../spec/train-spec.js';
import { thrown } from '../test-support/thrown.js';
import { fitTarget, restoreTarget } from './target-encoder.js';

function table(columns: Record<string, Cell[]>): Table {
  return { rowCount: (Object.values(columns)[0] ?? []).length, columns: new Map(Object.entries(columns)) };
}
const all = (n: number) => Int32Array.from({ length: n }, (_, i) => i);
const target = (input: unknown) => targetSchema.parse(input);

describe('fitTarget task inference', () => {
  it('booleans are binary, true positive', () => {
    const data = table({ late: [true, false, false, true] });
    const encoder = fitTarget(data, target('late'), { rows: all(4) });
    expect(encoder.state).toMatchObject({ task: 'binary', classes: [false, true], positiveClass: true });
    expect([...encoder.encode(data, all(4))]).toEqual([1, 0, 0, 1]);
    expect(encoder.decode(1)).toBe(true);
  });

  it('two text values are binary, the later value positive unless positiveClass says otherwise', () => {
    const data = table({ y: ['yes', 'no', 'yes'] });
    expect(fitTarget(data, target('y'), { rows: all(3) }).state.classes).toEqual(['no', 'yes']);
    const flipped = fitTarget(data, target('y'), { rows: all(3), positiveClass: 'no' });
    expect(flipped.state.classes).toEqual(['yes', 'no']);
    expect([...flipped.encode(data, all(3))]).toEqual([0, 1, 0]);
    expect(thrown(() => fitTarget(data, target('y'), { rows: all(3), positiveClass: 'maybe' })).code).toBe('INVALID_ARGUMENT');
  });

  it('two numbers are binary; more numbers are regression', () => {
    expect(fitTarget(table({ y: [0, 1, 1] }), target('y'), { rows: all(3) }).state.task).toBe('binary');
    const regression = fitTarget(table({ y: [1.5, 2, 7] }), target('y'), { rows: all(3) });
    expect(regression.state.task).toBe('regression');
    expect([...regression.encode(table({ y: [1.5, 2, 7] }), all(3))]).toEqual([1.5, 2, 7]);
  });

  it('text with more values is multi-class, classes sorted, indices follow', () => {
    const data = table({ y: ['cat', 'dog', 'ant', 'dog'] });
    const encoder = fitTarget(data, target('y'), { rows: all(4) });
    expect(encoder.state).toMatchObject({ task: 'multiclass', classes: ['ant', 'cat', 'dog'] });
    expect([...encoder.encode(data, all(4))]).toEqual([1, 2, 0, 2]);
    expect(encoder.decode(0)).toBe('ant');
  });

  it('reads an expression target from its computed column', () => {
    const data = table({ late: [true, false] });
    const encoder = fitTarget(data, target({ name: 'late', expression: 'delay > 15' }), { rows: all(2) });
    expect(encoder.state.column).toBe('late');
  });
});

describe('fitTarget errors', () => {
  it('names an absent column and lists the others', () => {
    const error = thrown(() => fitTarget(table({ a: [1], b: [2] }), target('y'), { rows: all(1) }));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain('a, b');
  });

  it('counts missing target values', () => {
    const error = thrown(() => fitTarget(table({ y: [1, null, 2, Number.NaN] }), target('y'), { rows: all(4) }));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain('missing in 2 of 4');
  });

  it('refuses a constant target with FAILED_PRECONDITION', () => {
    expect(thrown(() => fitTarget(table({ y: ['a', 'a'] }), target('y'), { rows: all(2) })).code).toBe('FAILED_PRECONDITION');
    expect(thrown(() => fitTarget(table({ y: [3, 3, 3] }), target('y'), { rows: all(3), task: 'regression' })).code).toBe(
      'FAILED_PRECONDITION',
    );
  });

  it('refuses a binary task with three classes, text for regression, and too many classes', () => {
    expect(thrown(() => fitTarget(table({ y: ['a', 'b', 'c'] }), target('y'), { rows: all(3), task: 'binary' })).message).toContain('3');
    expect(thrown(() => fitTarget(table({ y: [1, 'b', 2] }), target('y'), { rows: all(3), task: 'regression' })).code).toBe(
      'INVALID_ARGUMENT',
    );
    const many = table({ y: Array.from({ length: 1001 }, (_, i) => `c${i}`) });
    expect(thrown(() => fitTarget(many, target('y'), { rows: all(1001) })).message).toContain('1000');
  });

  it('refuses in a later split a class that training never saw', () => {
    const data = table({ y: ['a', 'b', 'a', 'c'] });
    const encoder = fitTarget(data, target('y'), { rows: all(3) });
    const error = thrown(() => encoder.encode(data, Int32Array.of(3)));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain('"c"');
  });

  it('fits on the training rows only', () => {
    const data = table({ y: [0, 1, 0, 1, 5, 9] });
    // Training sees two values → binary; the validation rows' 5 and 9 would have made it regression.
    expect(fitTarget(data, target('y'), { rows: all(4) }).state.task).toBe('binary');
  });
});

describe('restoreTarget', () => {
  it('encodes and decodes the same after a JSON round trip', () => {
    const data = table({ y: ['x', 'z', 'y', 'x'] });
    const fitted = fitTarget(data, target('y'), { rows: all(4) });
    const restored = restoreTarget(JSON.parse(JSON.stringify(fitted.state)));
    expect(restored.encode(data, all(4))).toEqual(fitted.encode(data, all(4)));
    expect(restored.decode(2)).toBe('z');
    expect(thrown(() => restored.decode(3)).code).toBe('INVALID_ARGUMENT');
  });
});
