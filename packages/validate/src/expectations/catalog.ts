import { z } from 'zod';
import {
  betweenFields,
  columnName,
  countBetweenFields,
  ignoreCompoundRowIf,
  ignoreRowIf,
  mostly,
  partitionObject,
  quantileRanges,
  valueSet,
  valueType,
} from './argument-schemas.js';

/**
 * What an expectation looks at: the whole table (`table`), each row of one or more columns (`map`,
 * which takes `mostly`), or one statistic of a column (`aggregate`, which compares an observed value).
 */
export type ExpectationKind = 'table' | 'map' | 'aggregate';

export interface ExpectationDefinition<Schema extends z.ZodType = z.ZodType> {
  readonly kind: ExpectationKind;
  readonly description: string;
  readonly schema: Schema;
}

const define = <Schema extends z.ZodType>(kind: ExpectationKind, description: string, schema: Schema) => ({ kind, description, schema });
const column = <Fields extends z.ZodRawShape>(fields: Fields) => z.object({ column: columnName, ...fields }).strict();
const columnMap = <Fields extends z.ZodRawShape = Record<never, never>>(fields: Fields = {} as Fields) =>
  z.object({ column: columnName, mostly, ...fields }).strict();
const columnAggregate = column;
const betweenArgs = column(betweenFields);

/** The catalog: every expectation mlp knows, by its camelCase Great Expectations name. */
export const expectationCatalog = {
  // table
  expectTableRowCountToBeBetween: define(
    'table',
    'The table has between minValue and maxValue rows.',
    z.object(countBetweenFields).strict(),
  ),
  expectTableRowCountToEqual: define('table', 'The table has exactly value rows.', z.object({ value: z.number().int().min(0) }).strict()),
  expectTableColumnCountToBeBetween: define(
    'table',
    'The table has between minValue and maxValue columns.',
    z.object(countBetweenFields).strict(),
  ),
  expectTableColumnCountToEqual: define(
    'table',
    'The table has exactly value columns.',
    z.object({ value: z.number().int().min(0) }).strict(),
  ),
  expectTableColumnsToMatchSet: define(
    'table',
    'The columns are exactly columnSet (or include it, with exactMatch false), in any order.',
    z.object({ columnSet: z.array(columnName), exactMatch: z.boolean().default(true) }).strict(),
  ),
  expectTableColumnsToMatchOrderedList: define(
    'table',
    'The columns are exactly columnList, in that order.',
    z.object({ columnList: z.array(columnName) }).strict(),
  ),
  expectColumnToExist: define(
    'table',
    'The column exists (at columnIndex, when given).',
    z.object({ column: columnName, columnIndex: z.number().int().min(0).optional() }).strict(),
  ),

  // column values, row by row
  expectColumnValuesToNotBeNull: define('map', 'Values are not null (nor NaN); nulls count in the denominator here.', columnMap()),
  expectColumnValuesToBeNull: define('map', 'Values are null (or NaN).', columnMap()),
  expectColumnValuesToBeBetween: define(
    'map',
    'Values lie between minValue and maxValue (numbers or timestamps).',
    columnMap(betweenFields),
  ),
  expectColumnValuesToBeInSet: define('map', 'Values are in valueSet.', columnMap({ valueSet })),
  expectColumnValuesToNotBeInSet: define('map', 'Values are not in valueSet.', columnMap({ valueSet })),
  expectColumnValuesToBeUnique: define('map', 'No value occurs more than once; every row of a repeated value is unexpected.', columnMap()),
  expectColumnValuesToBeOfType: define(
    'map',
    'Values are of type (number, integer, string, boolean, timestamp).',
    columnMap({ type: valueType }),
  ),
  expectColumnValuesToMatchRegex: define('map', 'String values contain a match of regex.', columnMap({ regex: z.string() })),
  expectColumnValuesToNotMatchRegex: define('map', 'String values contain no match of regex.', columnMap({ regex: z.string() })),
  expectColumnValuesToMatchStrftimeFormat: define(
    'map',
    'String values are dates in strftimeFormat (%Y %m %d %H %M %S %y %%).',
    columnMap({ strftimeFormat: z.string().min(1) }),
  ),
  expectColumnValuesToBeParseableAsDate: define(
    'map',
    'String values are ISO 8601 dates or date-times (GX: expect_column_values_to_be_dateutil_parseable).',
    columnMap(),
  ),
  expectColumnValuesToBeJsonParseable: define('map', 'String values are valid JSON (RFC 8259).', columnMap()),
  expectColumnValueLengthsToBeBetween: define(
    'map',
    'String lengths, in code points, lie between minValue and maxValue.',
    columnMap(countBetweenFields),
  ),
  expectColumnValueLengthsToEqual: define(
    'map',
    'String lengths, in code points, equal value.',
    columnMap({ value: z.number().int().min(0) }),
  ),
  expectColumnValueZScoresToBeLessThan: define(
    'map',
    'Z-scores (sample standard deviation) are below threshold (in absolute value when doubleSided).',
    columnMap({ threshold: z.number(), doubleSided: z.boolean().default(true) }),
  ),
  expectColumnValuesToBeIncreasing: define(
    'map',
    'Each value is at least (strictly: more than) the previous non-missing value.',
    columnMap({ strictly: z.boolean().default(false) }),
  ),
  expectColumnValuesToBeDecreasing: define(
    'map',
    'Each value is at most (strictly: less than) the previous non-missing value.',
    columnMap({ strictly: z.boolean().default(false) }),
  ),

  // several columns, row by row
  expectColumnPairValuesToBeEqual: define(
    'map',
    'columnA equals columnB in each row.',
    z.object({ columnA: columnName, columnB: columnName, mostly, ignoreRowIf: ignoreRowIf.default('bothValuesAreMissing') }).strict(),
  ),
  expectColumnPairValuesAToBeGreaterThanB: define(
    'map',
    'columnA is greater than (orEqual: at least) columnB in each row.',
    z
      .object({
        columnA: columnName,
        columnB: columnName,
        orEqual: z.boolean().default(false),
        mostly,
        ignoreRowIf: ignoreRowIf.default('bothValuesAreMissing'),
      })
      .strict(),
  ),
  expectCompoundColumnsToBeUnique: define(
    'map',
    'The combination of columnList is unique across rows.',
    z.object({ columnList: z.array(columnName).min(1), mostly, ignoreRowIf: ignoreCompoundRowIf.default('allValuesAreMissing') }).strict(),
  ),

  // column aggregates
  expectColumnMinToBeBetween: define('aggregate', 'The minimum lies between minValue and maxValue.', betweenArgs),
  expectColumnMaxToBeBetween: define('aggregate', 'The maximum lies between minValue and maxValue.', betweenArgs),
  expectColumnMeanToBeBetween: define('aggregate', 'The mean lies between minValue and maxValue.', betweenArgs),
  expectColumnMedianToBeBetween: define(
    'aggregate',
    'The median (mean of the middle two) lies between minValue and maxValue.',
    betweenArgs,
  ),
  expectColumnSumToBeBetween: define('aggregate', 'The sum (0 for no values) lies between minValue and maxValue.', betweenArgs),
  expectColumnStdevToBeBetween: define('aggregate', 'The sample standard deviation lies between minValue and maxValue.', betweenArgs),
  expectColumnQuantileValuesToBeBetween: define(
    'aggregate',
    'Each quantile (nearest rank, as DuckDB quantile_disc) lies in its range.',
    columnAggregate({ quantileRanges }),
  ),
  expectColumnUniqueValueCountToBeBetween: define(
    'aggregate',
    'The number of distinct non-missing values lies between minValue and maxValue.',
    columnAggregate(countBetweenFields),
  ),
  expectColumnProportionOfUniqueValuesToBeBetween: define(
    'aggregate',
    'Distinct values divided by non-missing values lies between minValue and maxValue.',
    columnAggregate(betweenFields),
  ),
  expectColumnDistinctValuesToBeInSet: define('aggregate', 'Every distinct value is in valueSet.', columnAggregate({ valueSet })),
  expectColumnDistinctValuesToContainSet: define('aggregate', 'Every value of valueSet occurs.', columnAggregate({ valueSet })),
  expectColumnDistinctValuesToEqualSet: define('aggregate', 'The distinct values are exactly valueSet.', columnAggregate({ valueSet })),
  expectColumnMostCommonValueToBeInSet: define(
    'aggregate',
    'The most common value is in valueSet (with tiesOkay, any of the tied ones).',
    columnAggregate({ valueSet, tiesOkay: z.boolean().default(false) }),
  ),
  expectColumnKlDivergenceToBeLessThan: define(
    'aggregate',
    'KL divergence of the observed distribution from partitionObject is below threshold.',
    columnAggregate({
      partitionObject,
      threshold: z.number().min(0),
      internalWeightHoldout: z.number().min(0).max(1).default(0),
      tailWeightHoldout: z.number().min(0).max(1).default(0),
    }),
  ),
} as const satisfies Record<string, ExpectationDefinition>;

export type ExpectationCatalog = typeof expectationCatalog;
export type ExpectationType = keyof ExpectationCatalog;
/** The arguments as a suite author writes them (defaults optional). */
export type ExpectationArgsInput<T extends ExpectationType> = z.input<ExpectationCatalog[T]['schema']>;
/** The arguments after parsing (defaults filled in). */
export type ExpectationArgs<T extends ExpectationType> = z.output<ExpectationCatalog[T]['schema']>;

export const expectationTypes = Object.keys(expectationCatalog) as ExpectationType[];

export function isExpectationType(name: string): name is ExpectationType {
  return Object.hasOwn(expectationCatalog, name);
}

/** The columns an expectation reads (checked for existence before it runs). */
export function columnsOf(args: Record<string, unknown>): string[] {
  if (typeof args.column === 'string') return [args.column];
  if (typeof args.columnA === 'string' && typeof args.columnB === 'string') return [args.columnA, args.columnB];
  if (Array.isArray(args.columnList)) return args.columnList as string[];
  return [];
}
