import type { FeatureValue } from '../definitions/feature-types.js';
import type { MaterializeResult } from '../materialize/materialize-online.js';

// `--json` of `mlp features materialize` and `get`: snake_case keys, epoch-ms times.

export function materializeJson(result: MaterializeResult) {
  return {
    view: result.view,
    version: result.version,
    store: result.store,
    from: result.from,
    to: result.to,
    rows: result.rows,
    written: result.written,
    skipped: result.skipped,
  };
}

/** One entity of `mlp features get --json`: its keys as given, and its features (null: none stored, or past the TTL). */
export function featureRowJson(key: Record<string, string>, features: Record<string, FeatureValue> | null) {
  return { key, features };
}
