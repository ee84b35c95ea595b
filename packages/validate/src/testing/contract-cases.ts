import type { ExpectationType } from '../expectations/catalog.js';
import type { ExpectationResult } from '../result/validation-result.js';

/** One contract case: an expectation on the contract table (or the empty one) and what its result must hold. */
export interface ContractCase {
  name: string;
  type: ExpectationType;
  args: Record<string, unknown>;
  table?: 'main' | 'empty';
  /** Fields the result must have; numbers in `close` are compared to 9 significant digits. */
  expect: Partial<ExpectationResult>;
  close?: { observedValue?: number };
  exception?: boolean;
  messageIncludes?: string;
}

// Statistics of n's non-missing values [1, 2, 2, 10, -3.5, 4], computed plainly to check the engines.
const nValues = [1, 2, 2, 10, -3.5, 4];
const nMean = nValues.reduce((sum, value) => sum + value, 0) / nValues.length;
const nStdev = Math.sqrt(nValues.reduce((sum, value) => sum + (value - nMean) ** 2, 0) / (nValues.length - 1));
const kl = (observed: number[], reference: number[]) =>
  observed.reduce((sum, p, i) => (p === 0 ? sum : sum + p * Math.log(p / (reference[i] as number))), 0);

const map = (elementCount: number, missingCount: number, unexpectedCount: number, success: boolean): Partial<ExpectationResult> => ({
  success,
  elementCount,
  missingCount,
  unexpectedCount,
});

export const contractCases: ContractCase[] = [
  // table
  {
    name: 'row count between',
    type: 'expectTableRowCountToBeBetween',
    args: { minValue: 1, maxValue: 8 },
    expect: { success: true, observedValue: 8 },
  },
  { name: 'row count equal fails', type: 'expectTableRowCountToEqual', args: { value: 7 }, expect: { success: false, observedValue: 8 } },
  {
    name: 'empty row count',
    table: 'empty',
    type: 'expectTableRowCountToEqual',
    args: { value: 0 },
    expect: { success: true, observedValue: 0 },
  },
  {
    name: 'column count between',
    type: 'expectTableColumnCountToBeBetween',
    args: { minValue: 11 },
    expect: { success: true, observedValue: 11 },
  },
  { name: 'column count equal', type: 'expectTableColumnCountToEqual', args: { value: 3 }, expect: { success: false, observedValue: 11 } },
  {
    name: 'columns include a set',
    type: 'expectTableColumnsToMatchSet',
    args: { columnSet: ['s', 'n'], exactMatch: false },
    expect: { success: true },
  },
  { name: 'columns exactly a set', type: 'expectTableColumnsToMatchSet', args: { columnSet: ['s', 'n'] }, expect: { success: false } },
  {
    name: 'columns ordered',
    type: 'expectTableColumnsToMatchOrderedList',
    args: { columnList: ['n', 's', 'b', 't', 'd', 'j', 'm', 'x', 'y', 'k1', 'k2'] },
    expect: { success: true },
  },
  {
    name: 'columns out of order',
    type: 'expectTableColumnsToMatchOrderedList',
    args: { columnList: ['s', 'n'] },
    expect: { success: false },
  },
  {
    name: 'column exists at index',
    type: 'expectColumnToExist',
    args: { column: 's', columnIndex: 1 },
    expect: { success: true, observedValue: 1 },
  },
  {
    name: 'column absent',
    type: 'expectColumnToExist',
    args: { column: 'nope' },
    expect: { success: false },
    messageIncludes: 'does not exist',
  },

  // row by row: nulls and NaN
  {
    name: 'not null counts NaN and null, in the denominator',
    type: 'expectColumnValuesToNotBeNull',
    args: { column: 'n' },
    expect: {
      ...map(8, 2, 2, false),
      unexpectedPercent: 25,
      partialUnexpectedList: [null, null],
      partialUnexpectedIndexList: [3, 4],
      partialUnexpectedCounts: [{ value: null, count: 2 }],
    },
  },
  { name: 'not null with mostly', type: 'expectColumnValuesToNotBeNull', args: { column: 'n', mostly: 0.75 }, expect: map(8, 2, 2, true) },
  {
    name: 'null fails on values',
    type: 'expectColumnValuesToBeNull',
    args: { column: 'n' },
    expect: { ...map(8, 2, 6, false), unexpectedPercent: 75 },
  },
  { name: 'null with mostly', type: 'expectColumnValuesToBeNull', args: { column: 'n', mostly: 0.2 }, expect: map(8, 2, 6, true) },
  {
    name: 'between leaves nulls out of the denominator',
    type: 'expectColumnValuesToBeBetween',
    args: { column: 'n', minValue: 0, maxValue: 5 },
    expect: { ...map(8, 2, 2, false), partialUnexpectedList: [10, -3.5], partialUnexpectedIndexList: [5, 6] },
  },
  {
    name: 'between with mostly',
    type: 'expectColumnValuesToBeBetween',
    args: { column: 'n', minValue: 0, maxValue: 5, mostly: 0.6 },
    expect: map(8, 2, 2, true),
  },
  {
    name: 'between strict',
    type: 'expectColumnValuesToBeBetween',
    args: { column: 'n', minValue: 1, maxValue: 4, strictMin: true, strictMax: true },
    expect: map(8, 2, 4, false),
  },
  {
    name: 'between timestamps',
    type: 'expectColumnValuesToBeBetween',
    args: { column: 't', minValue: '2024-01-02', maxValue: '2024-01-05T00:00:00Z' },
    expect: {
      ...map(8, 1, 3, false),
      partialUnexpectedList: ['2024-01-01T00:00:00.000Z', '2024-01-06T00:00:00.000Z', '2024-01-07T00:00:00.000Z'],
    },
  },
  {
    name: 'between on strings is refused',
    type: 'expectColumnValuesToBeBetween',
    args: { column: 's', minValue: 1 },
    expect: { success: false },
    exception: true,
  },
  {
    name: 'in set (numbers; a string member does not match)',
    type: 'expectColumnValuesToBeInSet',
    args: { column: 'n', valueSet: [1, 2, '10'] },
    expect: {
      ...map(8, 2, 3, false),
      partialUnexpectedList: [10, -3.5, 4],
      partialUnexpectedIndexList: [5, 6, 7],
      partialUnexpectedCounts: [
        { value: -3.5, count: 1 },
        { value: 4, count: 1 },
        { value: 10, count: 1 },
      ],
    },
  },
  { name: 'in set booleans', type: 'expectColumnValuesToBeInSet', args: { column: 'b', valueSet: [true] }, expect: map(8, 1, 2, false) },
  {
    name: 'in set unicode',
    type: 'expectColumnValuesToBeInSet',
    args: { column: 's', valueSet: ['a', 'bb', 'é', '👍🏽', '', 'ｚ'] },
    expect: map(8, 1, 0, true),
  },
  {
    name: 'in set timestamps',
    type: 'expectColumnValuesToBeInSet',
    args: { column: 't', valueSet: ['2024-01-01T00:00:00Z'] },
    expect: map(8, 1, 6, false),
  },
  {
    name: 'not in set',
    type: 'expectColumnValuesToNotBeInSet',
    args: { column: 'n', valueSet: [2] },
    expect: { ...map(8, 2, 2, false), partialUnexpectedCounts: [{ value: 2, count: 2 }], partialUnexpectedIndexList: [1, 2] },
  },
  {
    name: 'unique marks every repeated row',
    type: 'expectColumnValuesToBeUnique',
    args: { column: 's' },
    expect: { ...map(8, 1, 2, false), partialUnexpectedIndexList: [0, 6], partialUnexpectedCounts: [{ value: 'a', count: 2 }] },
  },
  { name: 'unique numbers', type: 'expectColumnValuesToBeUnique', args: { column: 'x' }, expect: map(8, 2, 0, true) },
  {
    name: 'of type integer',
    type: 'expectColumnValuesToBeOfType',
    args: { column: 'n', type: 'integer' },
    expect: { ...map(8, 2, 1, false), partialUnexpectedList: [-3.5] },
  },
  { name: 'of type number', type: 'expectColumnValuesToBeOfType', args: { column: 'n', type: 'number' }, expect: map(8, 2, 0, true) },
  {
    name: 'of type string on numbers',
    type: 'expectColumnValuesToBeOfType',
    args: { column: 'n', type: 'string' },
    expect: map(8, 2, 6, false),
  },
  { name: 'of type timestamp', type: 'expectColumnValuesToBeOfType', args: { column: 't', type: 'timestamp' }, expect: map(8, 1, 0, true) },
  { name: 'of type boolean', type: 'expectColumnValuesToBeOfType', args: { column: 'b', type: 'boolean' }, expect: map(8, 1, 0, true) },
  { name: 'regex searches', type: 'expectColumnValuesToMatchRegex', args: { column: 's', regex: '^a' }, expect: map(8, 1, 5, false) },
  { name: 'regex by code point', type: 'expectColumnValuesToMatchRegex', args: { column: 's', regex: '^.$' }, expect: map(8, 1, 3, false) },
  {
    name: 'not match regex',
    type: 'expectColumnValuesToNotMatchRegex',
    args: { column: 's', regex: 'b' },
    expect: { ...map(8, 1, 1, false), partialUnexpectedList: ['bb'] },
  },
  {
    name: 'regex on numbers is refused',
    type: 'expectColumnValuesToMatchRegex',
    args: { column: 'n', regex: '1' },
    expect: { success: false },
    exception: true,
  },
  {
    name: 'invalid regex is reported',
    type: 'expectColumnValuesToMatchRegex',
    args: { column: 's', regex: '(' },
    expect: { success: false },
    exception: true,
  },
  {
    name: 'strftime format with calendar check',
    type: 'expectColumnValuesToMatchStrftimeFormat',
    args: { column: 'd', strftimeFormat: '%Y-%m-%d' },
    expect: { ...map(8, 1, 5, false), partialUnexpectedIndexList: [1, 2, 3, 5, 6] },
  },
  {
    name: 'strftime unsupported directive',
    type: 'expectColumnValuesToMatchStrftimeFormat',
    args: { column: 'd', strftimeFormat: '%Q' },
    expect: { success: false },
    exception: true,
  },
  {
    name: 'parseable as date',
    type: 'expectColumnValuesToBeParseableAsDate',
    args: { column: 'd' },
    expect: { ...map(8, 1, 3, false), partialUnexpectedIndexList: [1, 2, 5] },
  },
  {
    name: 'json parseable',
    type: 'expectColumnValuesToBeJsonParseable',
    args: { column: 'j' },
    expect: { ...map(8, 1, 3, false), partialUnexpectedIndexList: [1, 2, 6] },
  },
  {
    name: 'lengths in code points',
    type: 'expectColumnValueLengthsToBeBetween',
    args: { column: 's', minValue: 1, maxValue: 1 },
    expect: map(8, 1, 3, false),
  },
  { name: 'lengths equal', type: 'expectColumnValueLengthsToEqual', args: { column: 's', value: 2 }, expect: { ...map(8, 1, 5, false) } },
  {
    name: 'z-scores single threshold',
    type: 'expectColumnValueZScoresToBeLessThan',
    args: { column: 'n', threshold: 1.5 },
    expect: { ...map(8, 2, 1, false), partialUnexpectedList: [10] },
  },
  {
    name: 'z-scores lower threshold',
    type: 'expectColumnValueZScoresToBeLessThan',
    args: { column: 'n', threshold: 1.3 },
    expect: map(8, 2, 2, false),
  },
  {
    name: 'z-scores one sided',
    type: 'expectColumnValueZScoresToBeLessThan',
    args: { column: 'n', threshold: 1.3, doubleSided: false },
    expect: map(8, 2, 1, false),
  },
  { name: 'increasing skips missing', type: 'expectColumnValuesToBeIncreasing', args: { column: 'm' }, expect: map(8, 2, 0, true) },
  {
    name: 'strictly increasing',
    type: 'expectColumnValuesToBeIncreasing',
    args: { column: 'm', strictly: true },
    expect: { ...map(8, 2, 1, false), partialUnexpectedIndexList: [2] },
  },
  {
    name: 'decreasing',
    type: 'expectColumnValuesToBeDecreasing',
    args: { column: 'm' },
    expect: { ...map(8, 2, 4, false), partialUnexpectedIndexList: [1, 4, 5, 7] },
  },
  {
    name: 'increasing timestamps',
    type: 'expectColumnValuesToBeIncreasing',
    args: { column: 't', strictly: true },
    expect: map(8, 1, 0, true),
  },

  // several columns
  {
    name: 'pair equal skips rows with both missing',
    type: 'expectColumnPairValuesToBeEqual',
    args: { columnA: 'x', columnB: 'y' },
    expect: {
      ...map(8, 1, 5, false),
      partialUnexpectedList: [
        [2, 1],
        [3, null],
        [null, 4],
        [5, 6],
        [8, 9],
      ],
      partialUnexpectedIndexList: [1, 3, 4, 5, 7],
    },
  },
  {
    name: 'pair equal skips either missing',
    type: 'expectColumnPairValuesToBeEqual',
    args: { columnA: 'x', columnB: 'y', ignoreRowIf: 'eitherValueIsMissing' },
    expect: map(8, 3, 3, false),
  },
  {
    name: 'pair equal skips nothing',
    type: 'expectColumnPairValuesToBeEqual',
    args: { columnA: 'x', columnB: 'y', ignoreRowIf: 'neither' },
    expect: map(8, 0, 6, false),
  },
  {
    name: 'a greater than b',
    type: 'expectColumnPairValuesAToBeGreaterThanB',
    args: { columnA: 'x', columnB: 'y' },
    expect: map(8, 1, 6, false),
  },
  {
    name: 'a at least b',
    type: 'expectColumnPairValuesAToBeGreaterThanB',
    args: { columnA: 'x', columnB: 'y', orEqual: true, mostly: 0.4 },
    expect: map(8, 1, 4, true),
  },
  {
    name: 'pair of different kinds is refused',
    type: 'expectColumnPairValuesToBeEqual',
    args: { columnA: 'x', columnB: 's' },
    expect: { success: false },
    exception: true,
  },
  {
    name: 'compound unique',
    type: 'expectCompoundColumnsToBeUnique',
    args: { columnList: ['k1', 'k2'] },
    expect: { ...map(8, 2, 3, false), partialUnexpectedIndexList: [0, 1, 6], partialUnexpectedCounts: [{ value: ['p', 1], count: 3 }] },
  },
  {
    name: 'compound unique counting missing',
    type: 'expectCompoundColumnsToBeUnique',
    args: { columnList: ['k1', 'k2'], ignoreRowIf: 'never' },
    expect: map(8, 0, 5, false),
  },
  {
    name: 'a missing column fails with a message',
    type: 'expectColumnValuesToNotBeNull',
    args: { column: 'nope' },
    expect: { success: false },
    messageIncludes: '"nope" does not exist',
  },

  // aggregates
  {
    name: 'min',
    type: 'expectColumnMinToBeBetween',
    args: { column: 'n', minValue: -4, maxValue: -3 },
    expect: { success: true, observedValue: -3.5 },
  },
  { name: 'max', type: 'expectColumnMaxToBeBetween', args: { column: 'n', maxValue: 9 }, expect: { success: false, observedValue: 10 } },
  {
    name: 'max strict',
    type: 'expectColumnMaxToBeBetween',
    args: { column: 'n', maxValue: 10, strictMax: true },
    expect: { success: false, observedValue: 10 },
  },
  {
    name: 'min timestamp',
    type: 'expectColumnMinToBeBetween',
    args: { column: 't', minValue: '2024-01-01' },
    expect: { success: true, observedValue: '2024-01-01T00:00:00.000Z' },
  },
  {
    name: 'mean',
    type: 'expectColumnMeanToBeBetween',
    args: { column: 'n', minValue: 2.5, maxValue: 2.6 },
    expect: { success: true },
    close: { observedValue: nMean },
  },
  {
    name: 'median of an even count',
    type: 'expectColumnMedianToBeBetween',
    args: { column: 'n', minValue: 2, maxValue: 2 },
    expect: { success: true, observedValue: 2 },
  },
  {
    name: 'median interpolates',
    type: 'expectColumnMedianToBeBetween',
    args: { column: 'm', minValue: 2.5, maxValue: 2.5 },
    expect: { success: true, observedValue: 2.5 },
  },
  {
    name: 'sum',
    type: 'expectColumnSumToBeBetween',
    args: { column: 'n', minValue: 15.5, maxValue: 15.5 },
    expect: { success: true, observedValue: 15.5 },
  },
  {
    name: 'stdev',
    type: 'expectColumnStdevToBeBetween',
    args: { column: 'n', minValue: 4 },
    expect: { success: true },
    close: { observedValue: nStdev },
  },
  {
    name: 'mean of strings is refused',
    type: 'expectColumnMeanToBeBetween',
    args: { column: 's', minValue: 0 },
    expect: { success: false },
    exception: true,
  },
  {
    name: 'quantiles nearest rank',
    type: 'expectColumnQuantileValuesToBeBetween',
    args: {
      column: 'n',
      quantileRanges: {
        quantiles: [0, 0.5, 0.9, 1],
        valueRanges: [
          [-4, -3],
          [2, 2],
          [9, 10],
          [null, 10],
        ],
      },
    },
    expect: { success: true, observedValue: { quantiles: [0, 0.5, 0.9, 1], values: [-3.5, 2, 10, 10] } },
  },
  {
    name: 'unique value count',
    type: 'expectColumnUniqueValueCountToBeBetween',
    args: { column: 's', minValue: 6, maxValue: 6 },
    expect: { success: true, observedValue: 6 },
  },
  {
    name: 'proportion unique',
    type: 'expectColumnProportionOfUniqueValuesToBeBetween',
    args: { column: 's', minValue: 0.85, maxValue: 0.86 },
    expect: { success: true },
    close: { observedValue: 6 / 7 },
  },
  {
    name: 'distinct values in set, in code point order',
    type: 'expectColumnDistinctValuesToBeInSet',
    args: { column: 's', valueSet: ['a', 'bb', 'é', '👍🏽', '', 'ｚ', 'extra'] },
    expect: { success: true, observedValue: ['', 'a', 'bb', 'é', 'ｚ', '👍🏽'] },
  },
  {
    name: 'distinct values not in set',
    type: 'expectColumnDistinctValuesToBeInSet',
    args: { column: 'n', valueSet: [1, 2, 10] },
    expect: { success: false, observedValue: [-3.5, 1, 2, 4, 10] },
  },
  {
    name: 'distinct values contain set',
    type: 'expectColumnDistinctValuesToContainSet',
    args: { column: 'n', valueSet: [1, 2, 10] },
    expect: { success: true },
  },
  {
    name: 'distinct values miss a member',
    type: 'expectColumnDistinctValuesToContainSet',
    args: { column: 'n', valueSet: [1, 3] },
    expect: { success: false },
  },
  {
    name: 'distinct values equal set',
    type: 'expectColumnDistinctValuesToEqualSet',
    args: { column: 'b', valueSet: [true, false] },
    expect: { success: true, observedValue: [false, true] },
  },
  {
    name: 'distinct values equal set fails',
    type: 'expectColumnDistinctValuesToEqualSet',
    args: { column: 'b', valueSet: [true] },
    expect: { success: false },
  },
  {
    name: 'most common value',
    type: 'expectColumnMostCommonValueToBeInSet',
    args: { column: 's', valueSet: ['a'] },
    expect: { success: true, observedValue: ['a'] },
  },
  {
    name: 'most common with ties',
    type: 'expectColumnMostCommonValueToBeInSet',
    args: { column: 'k2', valueSet: [1] },
    expect: { success: true, observedValue: [1] },
  },
  {
    name: 'most common boolean',
    type: 'expectColumnMostCommonValueToBeInSet',
    args: { column: 'b', valueSet: [false] },
    expect: { success: false, observedValue: [true] },
  },
  {
    name: 'tied modes need tiesOkay',
    type: 'expectColumnMostCommonValueToBeInSet',
    args: { column: 'x', valueSet: [1] },
    expect: { success: false, observedValue: [1, 2, 3, 5, 7, 8] },
  },
  {
    name: 'tied modes with tiesOkay',
    type: 'expectColumnMostCommonValueToBeInSet',
    args: { column: 'x', valueSet: [1], tiesOkay: true },
    expect: { success: true },
  },
  {
    name: 'KL divergence categorical',
    type: 'expectColumnKlDivergenceToBeLessThan',
    args: { column: 'k1', partitionObject: { values: ['p', 'q', 'r'], weights: [0.5, 0.3, 0.2] }, threshold: 0.01 },
    expect: { success: true },
    close: { observedValue: kl([3 / 6, 2 / 6, 1 / 6], [0.5, 0.3, 0.2]) },
  },
  {
    name: 'KL divergence with an unseen category is infinite',
    type: 'expectColumnKlDivergenceToBeLessThan',
    args: { column: 'k1', partitionObject: { values: ['p', 'q'], weights: [0.6, 0.4] }, threshold: 10 },
    expect: { success: false, observedValue: 'Infinity' },
  },
  {
    name: 'KL divergence with internal holdout',
    type: 'expectColumnKlDivergenceToBeLessThan',
    args: { column: 'k1', partitionObject: { values: ['p', 'q'], weights: [0.6, 0.4] }, threshold: 10, internalWeightHoldout: 0.1 },
    expect: { success: true },
    close: { observedValue: kl([3 / 6, 2 / 6, 1 / 6], [0.54, 0.36, 0.1]) },
  },
  {
    name: 'KL divergence binned',
    type: 'expectColumnKlDivergenceToBeLessThan',
    args: { column: 'n', partitionObject: { bins: [-5, 0, 5, 10], weights: [1, 4, 1] }, threshold: 0.001 },
    expect: { success: true },
    close: { observedValue: 0 },
  },
  {
    name: 'KL divergence binned with tails',
    type: 'expectColumnKlDivergenceToBeLessThan',
    args: { column: 'n', partitionObject: { bins: [0, 5], weights: [1] }, threshold: 100, tailWeightHoldout: 0.2 },
    expect: { success: true },
    close: { observedValue: kl([4 / 6, 1 / 6, 1 / 6], [0.8, 0.1, 0.1]) },
  },

  // empty data: vacuously true for rows, failing for statistics that need values
  {
    name: 'empty not null',
    table: 'empty',
    type: 'expectColumnValuesToNotBeNull',
    args: { column: 'n' },
    expect: { ...map(0, 0, 0, true), unexpectedPercent: null },
  },
  {
    name: 'empty between',
    table: 'empty',
    type: 'expectColumnValuesToBeBetween',
    args: { column: 'n', minValue: 0 },
    expect: map(0, 0, 0, true),
  },
  { name: 'empty unique', table: 'empty', type: 'expectColumnValuesToBeUnique', args: { column: 's' }, expect: map(0, 0, 0, true) },
  {
    name: 'empty z-scores',
    table: 'empty',
    type: 'expectColumnValueZScoresToBeLessThan',
    args: { column: 'n', threshold: 1 },
    expect: map(0, 0, 0, true),
  },
  {
    name: 'empty pair',
    table: 'empty',
    type: 'expectColumnPairValuesToBeEqual',
    args: { columnA: 'x', columnB: 'y' },
    expect: map(0, 0, 0, true),
  },
  {
    name: 'empty mean',
    table: 'empty',
    type: 'expectColumnMeanToBeBetween',
    args: { column: 'n', minValue: 0 },
    expect: { success: false, observedValue: null },
  },
  {
    name: 'empty sum is zero',
    table: 'empty',
    type: 'expectColumnSumToBeBetween',
    args: { column: 'n', minValue: 0, maxValue: 0 },
    expect: { success: true, observedValue: 0 },
  },
  {
    name: 'empty quantiles',
    table: 'empty',
    type: 'expectColumnQuantileValuesToBeBetween',
    args: { column: 'n', quantileRanges: { quantiles: [0.5], valueRanges: [[0, 1]] } },
    expect: { success: false },
  },
  {
    name: 'empty distinct in set',
    table: 'empty',
    type: 'expectColumnDistinctValuesToBeInSet',
    args: { column: 's', valueSet: ['a'] },
    expect: { success: true, observedValue: [] },
  },
  {
    name: 'empty unique proportion',
    table: 'empty',
    type: 'expectColumnProportionOfUniqueValuesToBeBetween',
    args: { column: 's', minValue: 0 },
    expect: { success: true, observedValue: 0 },
  },
  {
    name: 'empty most common',
    table: 'empty',
    type: 'expectColumnMostCommonValueToBeInSet',
    args: { column: 's', valueSet: ['a'] },
    expect: { success: false },
  },
];
