import type { FeatureValue } from '../definitions/feature-types.js';
import type { MaterializeResult } from '../materialize/materialize-online.js';
import type { OfflineLoad } from '../offline/materialize-offline.js';
import type { TrainingSet } from '../offline/training-set.js';
import type { ApplyResult } from '../registry/apply-definitions.js';
import type { ResolvedFeatureView } from '../registry/resolved-view.js';

// The --json documents of `mlp features apply`, `ls`, `show` and `training-set`: snake_case, epoch-ms times.

export function applyJson(result: ApplyResult, dryRun: boolean) {
  const item = (entry: { name: string; version: number; status: string }) => ({
    name: entry.name,
    version: entry.version,
    status: entry.status,
  });
  return { dry_run: dryRun, entities: result.entities.map(item), views: result.views.map(item), on_demand: result.onDemand.map(item) };
}

export function viewJson(view: ResolvedFeatureView) {
  return {
    name: view.name,
    version: view.version,
    entities: view.entities.map((entity) => ({
      name: entity.name,
      join_keys: entity.joinKeys.map((key) => ({ name: key.name, type: key.type })),
    })),
    features: view.features.map((feature) => ({ name: feature.name, type: feature.type })),
    timestamp_column: view.timestampColumn,
    ttl_ms: view.ttlMs,
    source:
      'dataset' in view.source
        ? { kind: 'dataset', dataset: view.source.dataset }
        : 'table' in view.source
          ? { kind: 'table', table: view.source.table, external: Boolean(view.source.url) }
          : { kind: 'query', query: view.source.query, external: Boolean(view.source.url) },
    description: view.description,
    tags: view.tags,
    fingerprint: view.fingerprint,
    created_at: view.createdAt,
  };
}

export function loadJson(load: OfflineLoad | null) {
  if (!load) return null;
  return {
    rows: load.rows,
    loaded_at: load.loadedAt,
    dataset_version: load.sourceState.kind === 'dataset' ? { ref: load.sourceState.ref, root_hash: load.sourceState.rootHash } : null,
  };
}

export function trainingSetJson(
  set: TrainingSet,
  written: { path: string; format: string; rows: number },
  dataset: { ref: string; root_hash: string } | null,
) {
  return {
    path: written.path,
    format: written.format,
    rows: written.rows,
    columns: set.columns.map((column) => ({ name: column.name, type: column.type })),
    views: set.views.map((view) => ({
      name: view.name,
      version: view.version,
      features: view.features,
      dataset_version: view.datasetVersion ? { ref: view.datasetVersion.ref, root_hash: view.datasetVersion.rootHash } : null,
      loaded_at: view.loadedAt,
    })),
    dataset,
  };
}

/** `mlp features materialize --json`: the event-time range (epoch ms; `from` null = from the beginning) and counts. */
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
