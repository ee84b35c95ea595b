import type { OnlineFeatureReader } from '@mlp/core';
import { type Route, routeBuilder } from '@mlp/core/http';
import { z } from 'zod';

const { json: route } = routeBuilder<object>();

/** A thousand entities with a few keys each fit well inside; larger batches are refused before they are read. */
const maxBodyBytes = 1024 * 1024;
const identifier = z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a feature view or feature name');
const onlineSchema = z.strictObject({
  view: identifier,
  /** One object per entity: its join keys (and request fields of on-demand features). */
  entity_keys: z
    .array(z.record(z.string().max(63), z.union([z.string().max(1000), z.number().finite()])))
    .min(1)
    .max(10_000),
  /** The features to return; all of the view's when omitted. */
  features: z.array(identifier).min(1).max(1000).optional(),
});

/**
 * The online features route, mounted by `mlp server` under `/api/2.0/`:
 * `POST mlp/features/online` (read scope) with `{ view, entity_keys: [{ carrier: 'AA' }], features? }`
 * answers `{ view, results: [{ feature: value } | null] }`, one result per entity in order (null: nothing
 * stored for it, or past the view's TTL). Unknown views and features are 404, a missing join key 400,
 * an unreachable Redis 503.
 */
export function createFeatureRoutes(reader: OnlineFeatureReader): Route[] {
  return [
    route(
      'POST',
      'mlp/features/online',
      'read',
      onlineSchema,
      async (input) => ({
        view: input.view,
        results: await reader.getOnlineFeatures({
          view: input.view,
          entityKeys: input.entity_keys,
          ...(input.features ? { features: input.features } : {}),
        }),
      }),
      { maxBodyBytes },
    ),
  ];
}
