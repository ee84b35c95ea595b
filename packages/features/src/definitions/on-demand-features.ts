import { formatZodIssues, MlpError } from '@mlp/core';
import { z } from 'zod';
import { type FeatureType, type FeatureValue, featureTypeSchema, identifierSchema } from './feature-types.js';
import { type FeatureViewDefinition, isFeatureViewDefinition, type TypedFeature } from './feature-view.js';

/** The row an on-demand transformation sees: its source views' features and the request's fields, by name. */
export type OnDemandRow = Readonly<Record<string, FeatureValue>>;

const onDemandInputSchema = z.strictObject({
  name: identifierSchema,
  /** The feature views whose features the transformation reads. */
  sources: z.array(z.custom<FeatureViewDefinition>(isFeatureViewDefinition, 'must be a feature view made with featureView()')),
  /** Fields the request (or the entity row of a training set) supplies: `{ distance: 'float64' }`. */
  request: z.record(identifierSchema, featureTypeSchema).optional(),
  /** The features it returns, with their types. */
  outputs: z.record(identifierSchema, featureTypeSchema),
  transform: z.custom<(row: OnDemandRow) => Record<string, FeatureValue>>((value) => typeof value === 'function', 'must be a function'),
  description: z.string().max(2000).optional(),
});

export type OnDemandFeaturesInput = z.input<typeof onDemandInputSchema>;

/** Features computed at read time by a pure function over other views' features and request fields. */
export interface OnDemandFeaturesDefinition {
  readonly kind: 'on-demand';
  readonly name: string;
  readonly sources: readonly FeatureViewDefinition[];
  readonly request: readonly TypedFeature[];
  readonly outputs: readonly TypedFeature[];
  readonly description: string | undefined;
  /** Runs the transformation on one row: its outputs, checked against the declared types. */
  apply(row: OnDemandRow): Record<string, FeatureValue>;
}

function matches(type: FeatureType, value: FeatureValue): boolean {
  if (value === null) return true;
  switch (type) {
    case 'int64':
    case 'timestamp':
      return typeof value === 'number' && Number.isInteger(value);
    case 'float64':
      return typeof value === 'number';
    case 'string':
      return typeof value === 'string';
    case 'bool':
      return typeof value === 'boolean';
  }
}

/**
 * Declares on-demand features: `onDemandFeatures({ name: 'speed', sources: [flightStats], request:
 * { distance: 'float64' }, outputs: { speed: 'float64' }, transform: (row) => ({ speed: ... }) })`.
 */
export function onDemandFeatures(input: OnDemandFeaturesInput): OnDemandFeaturesDefinition {
  const parsed = onDemandInputSchema.safeParse(input);
  const label = `on-demand features ${JSON.stringify((input as { name?: unknown })?.name)}`;
  if (!parsed.success) throw new MlpError('INVALID_ARGUMENT', `${label}: ${formatZodIssues(parsed.error)}.`);
  const { name, sources, transform, description } = parsed.data;
  const outputs = Object.entries(parsed.data.outputs).map(([output, type]) => ({ name: output, type }));
  if (outputs.length === 0) throw new MlpError('INVALID_ARGUMENT', `${label}: declare at least one output in outputs: { name: type }.`);
  const request = Object.entries(parsed.data.request ?? {}).map(([field, type]) => ({ name: field, type }));
  return Object.freeze({
    kind: 'on-demand',
    name,
    sources: Object.freeze([...sources]),
    request: Object.freeze(request),
    outputs: Object.freeze(outputs),
    description,
    apply(row: OnDemandRow) {
      let result: Record<string, FeatureValue>;
      try {
        result = transform(row);
      } catch (error) {
        throw new MlpError('INVALID_ARGUMENT', `${label}: the transformation threw: ${(error as Error)?.message ?? String(error)}.`, {
          cause: error,
        });
      }
      const out: Record<string, FeatureValue> = {};
      for (const output of outputs) {
        const value = result?.[output.name] ?? null;
        if (!matches(output.type, value)) {
          throw new MlpError(
            'INVALID_ARGUMENT',
            `${label}: the transformation returned ${JSON.stringify(value)} for ${output.name}, declared ${output.type}.`,
          );
        }
        out[output.name] = value;
      }
      return out;
    },
  } satisfies OnDemandFeaturesDefinition);
}

export function isOnDemandFeaturesDefinition(value: unknown): value is OnDemandFeaturesDefinition {
  return typeof value === 'object' && value !== null && (value as OnDemandFeaturesDefinition).kind === 'on-demand';
}
