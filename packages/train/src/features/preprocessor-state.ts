import { z } from 'zod';
import { datePartSchema } from '../spec/train-spec.js';

/**
 * The fitted preprocessing as plain JSON, saved inside a model package so serving transforms inputs
 * exactly as training did. Versioned: a reader refuses a format it does not know.
 */

const policy = z.enum(['impute', 'reject']);
const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const positive = finite.refine((value) => value > 0, 'must be above 0');

export const numericStateSchema = z.strictObject({
  type: z.literal('numeric'),
  name: z.string().min(1),
  invalid: policy,
  impute: z.enum(['mean', 'median', 'zero']),
  /** The raw value that stands in for a missing or invalid one. */
  fill: finite,
  standardize: z.boolean(),
  /** Training mean and standard deviation (population; 1 when the values are constant). */
  mean: finite,
  std: positive,
});
export type NumericState = z.infer<typeof numericStateSchema>;

export const categoricalStateSchema = z.strictObject({
  type: z.literal('categorical'),
  name: z.string().min(1),
  invalid: policy,
  /** The one-hot values, in output order; anything else goes to the unknown bucket after them. */
  categories: z.array(z.string()),
});
export type CategoricalState = z.infer<typeof categoricalStateSchema>;

export const dateStateSchema = z.strictObject({
  type: z.literal('date'),
  name: z.string().min(1),
  invalid: policy,
  parts: z.array(z.strictObject({ part: datePartSchema, mean: finite, std: positive })).min(1),
});
export type DateState = z.infer<typeof dateStateSchema>;

export const featureStateSchema = z.discriminatedUnion('type', [numericStateSchema, categoricalStateSchema, dateStateSchema]);
export type FeatureState = z.infer<typeof featureStateSchema>;

export const PREPROCESSOR_FORMAT = 'mlp-preprocessor';
export const PREPROCESSOR_VERSION = 1;

export const preprocessorStateSchema = z.strictObject({
  format: z.literal(PREPROCESSOR_FORMAT),
  version: z.literal(PREPROCESSOR_VERSION),
  features: z.array(featureStateSchema).min(1),
});
export type PreprocessorState = z.infer<typeof preprocessorStateSchema>;
