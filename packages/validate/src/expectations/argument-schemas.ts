import { z } from 'zod';

// Building blocks of the expectations' argument schemas (camelCase versions of Great Expectations' kwargs).

export const columnName = z.string().min(1, 'a column name is required');
export const mostly = z.number().min(0).max(1).default(1);
export const bound = z.union([z.number(), z.string()]).nullable().optional();
export const scalar = z.union([z.string(), z.number(), z.boolean()]);
export const valueSet = z.array(scalar);

export const betweenFields = {
  minValue: bound,
  maxValue: bound,
  strictMin: z.boolean().default(false),
  strictMax: z.boolean().default(false),
};

export const countBetweenFields = {
  minValue: z.number().int().min(0).nullable().optional(),
  maxValue: z.number().int().min(0).nullable().optional(),
};

/** Rows a multi-column expectation skips (Great Expectations' `ignore_row_if`). */
export const ignoreRowIf = z.enum(['bothValuesAreMissing', 'eitherValueIsMissing', 'neither']);
export const ignoreCompoundRowIf = z.enum(['allValuesAreMissing', 'anyValueIsMissing', 'never']);

export const valueType = z.enum(['number', 'integer', 'string', 'boolean', 'timestamp']);

/** A reference distribution: categorical (`values`) or binned (`bins` edges, one more than `weights`). */
export const partitionObject = z.union([
  z.object({ values: z.array(scalar).min(1), weights: z.array(z.number().min(0)).min(1) }).strict(),
  z
    .object({
      bins: z.array(z.number()).min(2),
      weights: z.array(z.number().min(0)).min(1),
      tailWeights: z.tuple([z.number().min(0), z.number().min(0)]).optional(),
    })
    .strict(),
]);

export const quantileRanges = z
  .object({
    quantiles: z.array(z.number().min(0).max(1)).min(1),
    valueRanges: z.array(z.tuple([z.number().nullable(), z.number().nullable()])),
  })
  .strict()
  .refine((ranges) => ranges.quantiles.length === ranges.valueRanges.length, {
    message: 'quantiles and valueRanges must have the same length',
    path: ['valueRanges'],
  });
