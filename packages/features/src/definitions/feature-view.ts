import { formatZodIssues, MlpError } from '@mlp/core';
import { z } from 'zod';
import { parseDuration } from './duration.js';
import { type EntityDefinition, isEntityDefinition } from './entity.js';
import { type FeatureSource, featureSourceSchema } from './feature-source.js';
import { type FeatureType, featureTypeSchema, identifierSchema } from './feature-types.js';

const featureViewInputSchema = z.strictObject({
  // at most 50 characters, so the offline table's name (`<name>__v<version>`) stays within PostgreSQL's 63
  name: identifierSchema.max(50, 'must be at most 50 characters'),
  entities: z.array(z.custom<EntityDefinition>(isEntityDefinition, 'must be an entity made with entity()')).min(1),
  source: featureSourceSchema,
  /** The source column holding each row's event time (a timestamp, or epoch milliseconds). */
  timestampColumn: z.string().min(1).max(63),
  /** How long a value stays valid after its event time: milliseconds or `'30d'`; 0 = forever. */
  ttl: z.union([z.number(), z.string()]),
  /** `{ dep_delay: 'float64' }`: each feature is the source column of that name. */
  features: z.record(identifierSchema, featureTypeSchema),
  description: z.string().max(2000).optional(),
  tags: z.record(z.string().max(100), z.string().max(500)).optional(),
});

export type FeatureViewInput = z.input<typeof featureViewInputSchema>;

/** One typed feature of a view. */
export interface TypedFeature {
  name: string;
  type: FeatureType;
}

/** A feature view as declared in code: typed features of some entities, read from a source. */
export interface FeatureViewDefinition {
  readonly kind: 'feature-view';
  readonly name: string;
  readonly entities: readonly EntityDefinition[];
  readonly source: FeatureSource;
  readonly timestampColumn: string;
  readonly ttlMs: number;
  readonly features: readonly TypedFeature[];
  readonly description: string | undefined;
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * Declares a feature view:
 * `featureView({ name: 'carrier_stats', entities: [carrier], source: { dataset: 'flights@latest' },
 * timestampColumn: 'date', ttl: '30d', features: { dep_delay: 'float64' } })`. Validated at once.
 */
export function featureView(input: FeatureViewInput): FeatureViewDefinition {
  const parsed = featureViewInputSchema.safeParse(input);
  const label = `feature view ${JSON.stringify((input as { name?: unknown })?.name)}`;
  if (!parsed.success) throw new MlpError('INVALID_ARGUMENT', `${label}: ${formatZodIssues(parsed.error)}.`);
  const view = parsed.data;
  const features = Object.entries(view.features).map(([name, type]) => ({ name, type }));
  if (features.length === 0) throw new MlpError('INVALID_ARGUMENT', `${label}: declare at least one feature in features: { name: type }.`);
  const keyNames = new Set<string>();
  for (const item of view.entities) {
    for (const key of item.joinKeys) {
      if (keyNames.has(key.name))
        throw new MlpError('INVALID_ARGUMENT', `${label}: the join key ${key.name} belongs to two of its entities.`);
      keyNames.add(key.name);
    }
  }
  for (const feature of features) {
    if (keyNames.has(feature.name) || feature.name === view.timestampColumn) {
      throw new MlpError(
        'INVALID_ARGUMENT',
        `${label}: ${feature.name} is a join key or the timestamp column, not a feature: remove it from features.`,
      );
    }
  }
  if (keyNames.has(view.timestampColumn)) {
    throw new MlpError('INVALID_ARGUMENT', `${label}: the timestamp column ${view.timestampColumn} is also a join key.`);
  }
  return Object.freeze({
    kind: 'feature-view',
    name: view.name,
    entities: Object.freeze([...view.entities]),
    source: view.source,
    timestampColumn: view.timestampColumn,
    ttlMs: parseDuration(view.ttl, `${label}: ttl`),
    features: Object.freeze(features),
    description: view.description,
    tags: Object.freeze({ ...(view.tags ?? {}) }),
  });
}

export function isFeatureViewDefinition(value: unknown): value is FeatureViewDefinition {
  return typeof value === 'object' && value !== null && (value as FeatureViewDefinition).kind === 'feature-view';
}
