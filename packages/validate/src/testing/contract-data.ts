import type { ColumnKind } from '../values.js';

/** A table for the contract: each column's kind and values (null and NaN are missing). */
export type ContractTable = Record<string, { kind: ColumnKind; values: unknown[] }>;

const ts = (iso: string | null) => (iso === null ? null : Date.parse(iso));

/** Eight rows with nulls, NaN, empty strings, accents, emoji with a modifier, and full-width letters. */
export const contractTable: ContractTable = {
  n: { kind: 'number', values: [1, 2, 2, null, Number.NaN, 10, -3.5, 4] },
  s: { kind: 'string', values: ['a', 'bb', 'é', '👍🏽', null, '', 'a', 'ｚ'] },
  b: { kind: 'boolean', values: [true, false, null, true, true, false, true, true] },
  t: {
    kind: 'timestamp',
    values: [
      '2024-01-01T00:00:00Z',
      '2024-01-02T00:00:00Z',
      null,
      '2024-01-03T12:00:00Z',
      '2024-01-04T00:00:00Z',
      '2024-01-05T00:00:00Z',
      '2024-01-06T00:00:00Z',
      '2024-01-07T00:00:00Z',
    ].map(ts),
  },
  d: {
    kind: 'string',
    values: ['2024-02-29', '2023-02-29', '2024-13-01', '2024-01-01T10:00:00Z', null, 'x', '2024-01-01 10:00', '2024-06-30'],
  },
  j: { kind: 'string', values: ['{"a":1}', '[1,]', 'NaN', '1', null, '"x"', '{a:1}', ' [] '] },
  m: { kind: 'number', values: [1, 2, 2, null, 3, 5, Number.NaN, 8] },
  x: { kind: 'number', values: [1, 2, null, 3, null, 5, 7, 8] },
  y: { kind: 'number', values: [1, 1, null, null, 4, 6, 7, 9] },
  k1: { kind: 'string', values: ['p', 'p', 'q', 'q', null, null, 'p', 'r'] },
  k2: { kind: 'number', values: [1, 1, 1, 2, null, null, 1, 3] },
};

/** The same columns with no rows. */
export const emptyContractTable: ContractTable = Object.fromEntries(
  Object.entries(contractTable).map(([name, column]) => [name, { kind: column.kind, values: [] }]),
);
