import type { JoinKey } from '../definitions/entity.js';
import type { FeatureSource } from '../definitions/feature-source.js';
import type { TypedFeature } from '../definitions/feature-view.js';

/** An entity as `apply` recorded it. */
export interface ResolvedEntity {
  name: string;
  joinKeys: readonly JoinKey[];
  description: string | null;
}

/**
 * One applied version of a feature view, as the registry returns it: what the offline and online
 * stores code against. Versions start at 1; re-applying an identical view keeps its version.
 */
export interface ResolvedFeatureView {
  name: string;
  version: number;
  entities: readonly ResolvedEntity[];
  /** Every entity's join keys, in order: the key of a row in the stores. */
  joinKeys: readonly JoinKey[];
  features: readonly TypedFeature[];
  /** The source column holding the event time. */
  timestampColumn: string;
  /** How long a value is valid after its event time, in milliseconds; 0 = no limit. */
  ttlMs: number;
  source: FeatureSource;
  description: string | null;
  tags: Readonly<Record<string, string>>;
  /** The sha-256 of the definition: equal definitions have equal fingerprints. */
  fingerprint: string;
  /**
   * The offline store's materialised table of this version in the workspace database, schema-qualified
   * and quoted (`"mlp_features"."carrier_stats__v2"`): the join keys, `event_ts` (epoch ms, bigint), the features
   * (timestamp features as epoch ms too) and `_seq` (load order: the later of two rows with equal keys and
   * `event_ts` wins).
   */
  offlineTable: string;
  /** Epoch ms when this version was applied. */
  createdAt: number;
}

/** Reads what `apply` recorded. */
export interface FeatureRegistry {
  /** The latest version of a view, or the given one; `NOT_FOUND` (naming the known views) otherwise. */
  getView(name: string, version?: number): Promise<ResolvedFeatureView>;
  /** The latest version of every view, by name. */
  listViews(): Promise<ResolvedFeatureView[]>;
  /** Every version of one view, oldest first. */
  listVersions(name: string): Promise<ResolvedFeatureView[]>;
  getEntity(name: string): Promise<ResolvedEntity>;
  listEntities(): Promise<ResolvedEntity[]>;
}

/** The schema holding the offline store's materialised tables. */
export const offlineSchema = 'mlp_features';

export function offlineTableOf(view: string, version: number): string {
  return `"${offlineSchema}"."${view}__v${version}"`;
}
