import { MlpError } from '@mlp/core';
import type { EntityKeyValues, OnlineView } from '../online/online-view.js';

/**
 * The join-key values of each requested entity, in the view's key order. Other fields of an entity
 * object are request fields (read by on-demand features), not keys.
 */
export function keyValuesOf(view: OnlineView, entityKeys: ReadonlyArray<Readonly<Record<string, unknown>>>): EntityKeyValues[] {
  return entityKeys.map((entity, index) =>
    view.joinKeys.map((key) => {
      const value = entity?.[key.name];
      if (typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))) return value;
      throw new MlpError(
        'INVALID_ARGUMENT',
        `Entity ${index} lacks the join key ${key.name} of feature view ${view.name} (keys: ${view.joinKeys.map((k) => k.name).join(', ')}): give it as a string or a number.`,
      );
    }),
  );
}
