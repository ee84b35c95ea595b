import { sha256Hex } from '@mlp/core';
import type { EntityDefinition, JoinKey } from '../definitions/entity.js';
import type { FeatureSource } from '../definitions/feature-source.js';
import type { FeatureViewDefinition, TypedFeature } from '../definitions/feature-view.js';
import type { OnDemandFeaturesDefinition } from '../definitions/on-demand-features.js';
import { offlineTableOf, type ResolvedEntity, type ResolvedFeatureView } from './resolved-view.js';

// The JSON stored per version, and the fingerprint that decides whether a re-apply changed anything.

export interface StoredView {
  entities: { name: string; joinKeys: JoinKey[]; description: string | null }[];
  source: FeatureSource;
  timestampColumn: string;
  ttlMs: number;
  features: TypedFeature[];
  description: string | null;
  tags: Record<string, string>;
}

export interface StoredOnDemand {
  sources: string[];
  request: TypedFeature[];
  outputs: TypedFeature[];
  description: string | null;
}

/** JSON with object keys sorted, so equal definitions hash equally whatever order they were written in. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonical(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export const fingerprintOf = (value: unknown): string => sha256Hex(canonical(value));

export function storedEntity(entity: EntityDefinition): { joinKeys: JoinKey[]; description: string | null } {
  return { joinKeys: entity.joinKeys.map((key) => ({ ...key })), description: entity.description ?? null };
}

export function storedView(view: FeatureViewDefinition): StoredView {
  return {
    entities: view.entities.map((item) => ({ name: item.name, ...storedEntity(item) })),
    source: view.source,
    timestampColumn: view.timestampColumn,
    ttlMs: view.ttlMs,
    features: view.features.map((feature) => ({ ...feature })),
    description: view.description ?? null,
    tags: { ...view.tags },
  };
}

export function storedOnDemand(definition: OnDemandFeaturesDefinition): StoredOnDemand {
  return {
    sources: definition.sources.map((view) => view.name),
    request: definition.request.map((field) => ({ ...field })),
    outputs: definition.outputs.map((output) => ({ ...output })),
    description: definition.description ?? null,
  };
}

export function resolvedView(row: {
  name: string;
  version: number;
  definition: unknown;
  fingerprint: string;
  createdAt: number;
}): ResolvedFeatureView {
  const stored = row.definition as StoredView;
  const entities: ResolvedEntity[] = stored.entities.map((item) => ({
    name: item.name,
    joinKeys: item.joinKeys,
    description: item.description,
  }));
  return {
    name: row.name,
    version: row.version,
    entities,
    joinKeys: entities.flatMap((item) => item.joinKeys),
    features: stored.features,
    timestampColumn: stored.timestampColumn,
    ttlMs: stored.ttlMs,
    source: stored.source,
    description: stored.description,
    tags: stored.tags,
    fingerprint: row.fingerprint,
    offlineTable: offlineTableOf(row.name, row.version),
    createdAt: row.createdAt,
  };
}
