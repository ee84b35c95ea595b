import { formatZodIssues, MlpError } from '@mlp/core';
import { z } from 'zod';
import { type FeatureType, featureTypeSchema, identifierSchema } from './feature-types.js';

const entityInputSchema = z.strictObject({
  name: identifierSchema,
  /** `['carrier', 'origin']` (each a string) or `{ user_id: 'int64' }` with the keys' types. */
  joinKeys: z.union([z.array(identifierSchema).min(1), z.record(identifierSchema, featureTypeSchema)]),
  description: z.string().max(2000).optional(),
});

export type EntityInput = z.input<typeof entityInputSchema>;

/** One join key of an entity and its type. */
export interface JoinKey {
  name: string;
  type: FeatureType;
}

/** An entity: what feature values are about (a carrier, a user), identified by its join keys. */
export interface EntityDefinition {
  readonly kind: 'entity';
  readonly name: string;
  readonly joinKeys: readonly JoinKey[];
  readonly description: string | undefined;
}

/** Declares an entity: `entity({ name: 'carrier', joinKeys: ['carrier'] })`. Validated at once. */
export function entity(input: EntityInput): EntityDefinition {
  const parsed = entityInputSchema.safeParse(input);
  if (!parsed.success) {
    throw new MlpError(
      'INVALID_ARGUMENT',
      `entity ${JSON.stringify((input as { name?: unknown })?.name)}: ${formatZodIssues(parsed.error)}.`,
    );
  }
  const { name, joinKeys, description } = parsed.data;
  const keys: JoinKey[] = Array.isArray(joinKeys)
    ? joinKeys.map((key) => ({ name: key, type: 'string' as const }))
    : Object.entries(joinKeys).map(([key, type]) => ({ name: key, type }));
  if (Array.isArray(joinKeys) && new Set(joinKeys).size !== joinKeys.length) {
    throw new MlpError('INVALID_ARGUMENT', `entity ${name}: a join key is listed twice in ${JSON.stringify(joinKeys)}.`);
  }
  return Object.freeze({ kind: 'entity', name, joinKeys: Object.freeze(keys), description });
}

export function isEntityDefinition(value: unknown): value is EntityDefinition {
  return typeof value === 'object' && value !== null && (value as EntityDefinition).kind === 'entity';
}
