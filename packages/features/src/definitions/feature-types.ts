import { z } from 'zod';

/** The value types a feature (or an entity's join key) can have. */
export const featureTypes = ['int64', 'float64', 'string', 'bool', 'timestamp'] as const;
export type FeatureType = (typeof featureTypes)[number];

export const featureTypeSchema = z.enum(featureTypes, {
  error: () => `must be one of ${featureTypes.join(', ')}`,
});

/** A feature's value in TypeScript: timestamps are epoch milliseconds. */
export type FeatureValue = string | number | boolean | null;

/** The TypeScript type of one feature type's values (`null` always allowed: a missing value). */
export type ValueOf<T extends FeatureType> = T extends 'string' ? string : T extends 'bool' ? boolean : number;

/** Names of features, join keys and views: SQL-safe identifiers, so they can become columns. */
export const identifierSchema = z
  .string()
  .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be lower case letters, digits and _ (starting with a letter or _), at most 63 characters');
