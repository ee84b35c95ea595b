import { describe, expect, it } from 'vitest';
import type { Cell, Table } from '../data/table.js';
import { type FeatureSpec, featureSchema } from '../spec/train-spec.js';
import { thrown } from '../test-support/thrown.js';
import { fitPreprocessor, restorePreprocessor } from './preprocessor.js';

function table(columns: Record<string, Cell[]>): Table {
  return { rowCount: (Object.values(columns)[0] ?? []).length, columns: new Map(Object.entries(columns)) };
}
const feature = (input: Record<string, unknown>): FeatureSpec => featureSchema.parse(input);
const range = (from: number, to: number) => Int32Array.from({ length: to - from }, (_, i) => from + i);

/** Independent reference statistics: plain arrays, two-pass, population variance. */
function stats(values: number[]): { mean: number; std: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return { mean, std: Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length) };
}

const column = (matrix: Float32Array, width: number, index: number) =>
  Array.from({ length: matrix.length / width }, (_, row) => matrix[row * width + index] as number);

describe('numeric features', () => {
  // Rows 0–5 train; rows 6–7 (validation) hold extreme values that must not move the statistics.
  const data = table({ x: [1, 2, '4', null, 'abc', true, 1000, -1000] });
  const train = range(0, 6);

  it('standardizes with training statistics only, imputing the mean', () => {
    const preprocessor = fitPreprocessor(data, [feature({ name: 'x', type: 'numeric' })], train);
    const valid = [1, 2, 4, 1];
    const { mean, std } = stats(valid);
    const state = preprocessor.state.features[0];
    expect(state).toMatchObject({ type: 'numeric', fill: mean });
    expect((state as { mean: number }).mean).toBeCloseTo(mean, 12);
    expect((state as { std: number }).std).toBeCloseTo(std, 12);
    const result = preprocessor.transform(data);
    const expected = [1, 2, 4, mean, mean, 1, 1000, -1000].map((value) => (value - mean) / std);
    column(result.matrix, 1, 0).forEach((value, row) => {
      expect(value).toBeCloseTo(expected[row] as number, 5);
    });
    expect(result.issues).toEqual([{ feature: 'x', missing: 1, invalid: 1 }]);
  });

  it('imputes the training median or zero', () => {
    const median = fitPreprocessor(data, [feature({ name: 'x', type: 'numeric', impute: 'median', standardize: false })], train);
    expect(median.transform(data, Int32Array.of(3, 4)).matrix).toEqual(Float32Array.of(1.5, 1.5));
    const zero = fitPreprocessor(data, [feature({ name: 'x', type: 'numeric', impute: 'zero', standardize: false })], train);
    expect([...zero.transform(data, Int32Array.of(0, 3)).matrix]).toEqual([1, 0]);
  });

  it('divides by 1 when the training values are constant', () => {
    const preprocessor = fitPreprocessor(table({ x: [5, 5, 5, 9] }), [feature({ name: 'x', type: 'numeric' })], range(0, 3));
    expect([...preprocessor.transform(table({ x: [5, 9] })).matrix]).toEqual([0, 4]);
  });

  it('rejects with INVALID_ARGUMENT, counts and the first bad row under invalid: reject', () => {
    const spec = feature({ name: 'x', type: 'numeric', invalid: 'reject' });
    const error = thrown(() => fitPreprocessor(data, [spec], train));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain('1 missing and 1 not a number');
    expect(error.message).toContain('row 3');
    // Fitted on clean rows, a later transform still rejects.
    const clean = fitPreprocessor(data, [spec], Int32Array.of(0, 1, 2));
    expect(thrown(() => clean.transformRecords([{ x: 'n/a' }])).message).toContain('"n/a"');
  });

  it('fails on a value that would overflow float32 instead of writing Infinity', () => {
    const preprocessor = fitPreprocessor(table({ x: [0, 1] }), [feature({ name: 'x', type: 'numeric' })], range(0, 2));
    expect(thrown(() => preprocessor.transformRecords([{ x: 1e300 }])).code).toBe('INVALID_ARGUMENT');
  });
});

describe('categorical features', () => {
  const city = ['b', 'a', 'b', 'c', 'a', 'b', 'd', 'c', null, 'z', 'z', 'z'];
  const data = table({ city });
  const train = range(0, 9); // the z rows are validation/test only

  it('one-hot encodes the top training values, ties broken by value, the rest unknown', () => {
    const preprocessor = fitPreprocessor(data, [feature({ name: 'city', type: 'categorical', maxCategories: 2 })], train);
    // Training counts: b 3, a 2, c 2, d 1 → top two are b and (a, c tied → a).
    expect(preprocessor.outputNames).toEqual(['city=a', 'city=b', 'city=__unknown__']);
    const { matrix, issues } = preprocessor.transform(data);
    const hot = Array.from(
      { length: data.rowCount },
      (_, row) => preprocessor.outputNames[[0, 1, 2].find((c) => matrix[row * 3 + c] === 1) as number],
    );
    expect(hot).toEqual([
      'city=b',
      'city=a',
      'city=b',
      'city=__unknown__',
      'city=a',
      'city=b',
      'city=__unknown__',
      'city=__unknown__',
      'city=__unknown__',
      'city=__unknown__',
      'city=__unknown__',
      'city=__unknown__',
    ]);
    // Exactly one 1 per row.
    for (let row = 0; row < data.rowCount; row++) expect(matrix[row * 3]! + matrix[row * 3 + 1]! + matrix[row * 3 + 2]!).toBe(1);
    expect(issues).toEqual([{ feature: 'city', missing: 1, invalid: 0 }]);
  });

  it('never learns a category from validation or test rows', () => {
    const preprocessor = fitPreprocessor(data, [feature({ name: 'city', type: 'categorical' })], train);
    expect(preprocessor.outputNames).toEqual(['city=a', 'city=b', 'city=c', 'city=d', 'city=__unknown__']);
    // 'z' is the most frequent value overall but only outside training: the unknown bucket catches it.
    expect([...preprocessor.transformRecords([{ city: 'z' }]).matrix]).toEqual([0, 0, 0, 0, 1]);
  });

  it('drops values seen fewer than minFrequency times, and compares as text', () => {
    const preprocessor = fitPreprocessor(
      table({ code: [3, 3, '4', 4, 5] }),
      [feature({ name: 'code', type: 'categorical', minFrequency: 2 })],
      range(0, 5),
    );
    expect(preprocessor.outputNames).toEqual(['code=3', 'code=4', 'code=__unknown__']);
    expect([...preprocessor.transformRecords([{ code: '3' }, { code: 4 }, { code: 5 }]).matrix]).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
  });

  it('rejects a missing value under invalid: reject', () => {
    const error = thrown(() => fitPreprocessor(data, [feature({ name: 'city', type: 'categorical', invalid: 'reject' })], train));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain('row 8');
  });
});

describe('date features', () => {
  const when: Cell[] = [
    new Date('2024-01-01T10:30:00Z'),
    '2024-03-15T23:05:00Z',
    Date.UTC(2023, 6, 4, 6, 0),
    '2024-02-29 12:00',
    'not a date',
    null,
    new Date('2030-12-31T00:00:00Z'), // validation only
  ];
  const data = table({ when });
  const train = range(0, 6);

  it('extracts UTC parts, standardized with training statistics', () => {
    const preprocessor = fitPreprocessor(
      data,
      [feature({ name: 'when', type: 'date', parts: ['year', 'month', 'dayOfWeek', 'minuteOfDay', 'dayOfYear'] })],
      train,
    );
    expect(preprocessor.outputNames).toEqual(['when.year', 'when.month', 'when.dayOfWeek', 'when.minuteOfDay', 'when.dayOfYear']);
    // Parts written out by hand for the four valid training rows.
    const raw = {
      year: [2024, 2024, 2023, 2024],
      month: [1, 3, 7, 2],
      dayOfWeek: [1, 5, 2, 4], // Mon 1 Jan 2024, Fri 15 Mar 2024, Tue 4 Jul 2023, Thu 29 Feb 2024
      minuteOfDay: [630, 1385, 360, 720],
      dayOfYear: [1, 75, 185, 60],
    };
    const { matrix, issues } = preprocessor.transform(data);
    Object.values(raw).forEach((values, part) => {
      const { mean, std } = stats(values);
      const encoded = column(matrix, 5, part);
      values.forEach((value, row) => {
        expect(encoded[row]).toBeCloseTo((value - mean) / std, 5);
      });
      expect(encoded[4]).toBe(0); // imputed with the training mean
      expect(encoded[5]).toBe(0);
    });
    expect(issues).toEqual([{ feature: 'when', missing: 1, invalid: 1 }]);
  });

  it('rejects an unparseable date under invalid: reject', () => {
    const spec = feature({ name: 'when', type: 'date', invalid: 'reject' });
    const fitted = fitPreprocessor(data, [spec], range(0, 4));
    const error = thrown(() => fitted.transformRecords([{ when: '2024-02-30' }]));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain('"2024-02-30"');
  });
});

describe('the preprocessor as a whole', () => {
  const data = table({
    x: [1, 5, 2, 8, null, 3],
    city: ['a', 'b', 'a', 'c', 'b', 'q'],
    when: ['2024-01-01T00:00:00Z', '2024-06-01T12:00:00Z', '2024-02-01T06:00:00Z', '2024-03-01T18:00:00Z', null, '2025-01-01T00:00:00Z'],
  });
  const features = [
    feature({ name: 'x', type: 'numeric' }),
    feature({ name: 'city', type: 'categorical' }),
    feature({ name: 'when', type: 'date', parts: ['month', 'hour'] }),
  ];

  it('transforms identically after a JSON round trip of its state', () => {
    const fitted = fitPreprocessor(data, features, range(0, 4));
    const restored = restorePreprocessor(JSON.parse(JSON.stringify(fitted.state)));
    expect(restored.outputNames).toEqual(fitted.outputNames);
    expect(restored.width).toBe(fitted.width);
    expect(restored.transform(data).matrix).toEqual(fitted.transform(data).matrix);
    expect(fitted.state).toMatchObject({ format: 'mlp-preprocessor', version: 1 });
  });

  it('encodes only the requested rows, in their order, with finite values everywhere', () => {
    const fitted = fitPreprocessor(data, features, range(0, 4));
    const all = fitted.transform(data);
    const some = fitted.transform(data, Int32Array.of(5, 0));
    expect(some.rows).toBe(2);
    expect([...some.matrix]).toEqual([...all.matrix.slice(5 * fitted.width, 6 * fitted.width), ...all.matrix.slice(0, fitted.width)]);
    expect(all.matrix.every(Number.isFinite)).toBe(true);
    expect(all.matrix.length).toBe(6 * fitted.width);
  });

  it('transforms records like the table rows they stand for', () => {
    const fitted = fitPreprocessor(data, features, range(0, 4));
    const records = [{ x: 1, city: 'a', when: '2024-01-01T00:00:00Z' }, { city: 'b' }];
    const fromRecords = fitted.transformRecords(records);
    const first = fitted.transform(data, Int32Array.of(0)).matrix;
    const second = fitted.transform(table({ x: [null], city: ['b'], when: [null] })).matrix;
    expect(fromRecords.matrix).toEqual(new Float32Array([...first, ...second]));
    expect(fromRecords.issues).toEqual([
      { feature: 'x', missing: 1, invalid: 0 },
      { feature: 'when', missing: 1, invalid: 0 },
    ]);
  });

  it('describes one input record as JSON Schema', () => {
    const schema = fitPreprocessor(
      data,
      [...features.slice(0, 2), feature({ name: 'when', type: 'date', invalid: 'reject' })],
      range(0, 4),
    ).inputSchema();
    expect(schema).toMatchObject({ $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', required: ['when'] });
    const properties = schema.properties as Record<string, Record<string, unknown>>;
    expect(properties.x?.type).toContain('number');
    expect(properties.city?.type).toContain('string');
    expect(properties.when?.anyOf).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'string', format: 'date-time' })]));
  });

  it('refuses a missing column, a bad state and a newer state version', () => {
    expect(thrown(() => fitPreprocessor(data, [feature({ name: 'nope', type: 'numeric' })], range(0, 4))).message).toContain('city');
    const fitted = fitPreprocessor(data, features, range(0, 4));
    expect(thrown(() => restorePreprocessor({ ...fitted.state, features: [] })).code).toBe('INVALID_ARGUMENT');
    expect(thrown(() => restorePreprocessor({ ...fitted.state, version: 2 } as never)).code).toBe('FAILED_PRECONDITION');
  });

  it('refuses a feature with no usable training value', () => {
    const error = thrown(() => fitPreprocessor(table({ x: [null, 'a', 1] }), [feature({ name: 'x', type: 'numeric' })], range(0, 2)));
    expect(error.code).toBe('FAILED_PRECONDITION');
  });
});

describe('invalidRows (what serving refuses rather than imputes)', () => {
  const training = table({
    distance: [100, 200, 300, 400],
    when: ['2001-01-01T08:00:00Z', '2001-02-01T09:00:00Z', '2001-03-01T10:00:00Z', '2001-04-01T11:00:00Z'],
    origin: ['SEA', 'SFO', 'SEA', 'LAX'],
  });
  const features = [
    feature({ name: 'distance', type: 'numeric' }),
    feature({ name: 'when', type: 'date', parts: ['month'] }),
    feature({ name: 'origin', type: 'categorical', invalid: 'reject' }),
  ];
  const fitted = fitPreprocessor(training, features, range(0, 4));

  it('names unparseable values (invalid, never missing) and missing values of a feature not imputed in training', () => {
    const serving = table({
      distance: [150, 'abc', null, 250, 300],
      when: ['2001-05-01T08:00:00Z', '2001-05-01T08:00:00Z', '2001-05-01T08:00:00Z', 'not-a-date', '2001-05-01T08:00:00Z'],
      origin: ['SEA', 'SEA', 'ORD', 'SEA', null],
    });
    const invalid = fitted.invalidRows(serving);
    expect(invalid.map(({ row, feature: name, problem }) => ({ row, name, problem }))).toEqual([
      { row: 1, name: 'distance', problem: 'invalid' },
      { row: 3, name: 'when', problem: 'invalid' },
      { row: 4, name: 'origin', problem: 'missing' },
    ]);
    expect(invalid[0]?.reason).toBe('feature "distance": "abc" is not a number');
    expect(invalid[1]?.reason).toBe('feature "when": "not-a-date" is not a timestamp');
    // Row 2: a missing distance, imputed in training, is imputed in serving too; an unseen origin is a category.
    expect(invalid.some((entry) => entry.row === 2)).toBe(false);
  });
});
