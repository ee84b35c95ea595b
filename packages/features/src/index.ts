// @mlp/features: entities and feature views in code, point-in-time training sets, an online store.
export { parseDuration } from './definitions/duration.js';
export { type EntityDefinition, type EntityInput, entity, isEntityDefinition, type JoinKey } from './definitions/entity.js';
export { describeSource, type FeatureSource, type FeatureSourceKind, sourceKind } from './definitions/feature-source.js';
export { type FeatureType, type FeatureValue, featureTypes } from './definitions/feature-types.js';
export {
  type FeatureViewDefinition,
  type FeatureViewInput,
  featureView,
  isFeatureViewDefinition,
  type TypedFeature,
} from './definitions/feature-view.js';
export {
  isOnDemandFeaturesDefinition,
  type OnDemandFeaturesDefinition,
  type OnDemandFeaturesInput,
  type OnDemandRow,
  onDemandFeatures,
} from './definitions/on-demand-features.js';
export { type MaterializeOptions, type MaterializeResult, materializeOnline } from './materialize/materialize-online.js';
export { type FeatureRef, parseFeatureRef } from './offline/feature-refs.js';
export type { EntitySource } from './offline/load-entities.js';
export type { OfflineLoad } from './offline/materialize-offline.js';
export { type OfflineStore, openOfflineStore, type TrainingSetRequest } from './offline/open-offline-store.js';
export type { TrainingSet, TrainingSetColumn, TrainingSetFormat, TrainingSetView } from './offline/training-set.js';
export type { MaterializationWatermark, OnlineReadOptions, OnlineStore, OnlineWriteResult } from './online/online-store.js';
export type { EntityKeyValues, OnlineRow, OnlineView } from './online/online-view.js';
export { type OnlineStoreOptions, onlineStoreUrl, openOnlineStore } from './online/open-online-store.js';
export { openRedisOnlineStore, type RedisOnlineStoreOptions } from './online/redis-online-store.js';
export { openSqlOnlineStore } from './online/sql-online-store.js';
export { type ApplyOptions, type ApplyResult, type ApplyStatus, featureViewAppliedEvent } from './registry/apply-definitions.js';
export {
  type FeatureRegistryOptions,
  type FeatureRegistryStore,
  openFeatureRegistry,
  type ResolvedOnDemandFeatures,
} from './registry/open-feature-registry.js';
export {
  type FeatureRegistry,
  offlineSchema,
  offlineTableOf,
  type ResolvedEntity,
  type ResolvedFeatureView,
} from './registry/resolved-view.js';
export { createOnlineFeatures, type OnlineFeatures, type OnlineFeaturesOptions, openOnlineFeatures } from './serve/online-features.js';
