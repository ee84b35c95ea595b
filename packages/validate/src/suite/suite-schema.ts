import { z } from 'zod';

export const SUITE_FORMAT = 'mlp.expectation-suite';
export const SUITE_FORMAT_VERSION = 1;

export const severitySchema = z.enum(['error', 'warn']);
export type Severity = z.infer<typeof severitySchema>;

/** One expectation as stored in a suite file; `args` are checked against the catalog separately. */
export const expectationConfigSchema = z
  .object({
    type: z.string().min(1),
    args: z.record(z.string(), z.unknown()).default({}),
    severity: severitySchema.default('error'),
    /** Free-form notes carried into results (Great Expectations' `meta`). */
    meta: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

/** The versioned JSON suite format. */
export const suiteFileSchema = z
  .object({
    format: z.literal(SUITE_FORMAT),
    version: z.literal(SUITE_FORMAT_VERSION),
    name: z.string().min(1),
    description: z.string().optional(),
    expectations: z.array(expectationConfigSchema),
    meta: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

export type SuiteFile = z.input<typeof suiteFileSchema>;
