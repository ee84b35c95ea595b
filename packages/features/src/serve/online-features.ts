import type { DatasetResolver, OnlineFeatureReader, OnlineFeatureRequest, Workspace } from '@mlp/core';
import { MlpError } from '@mlp/core';
import type { FeatureValue } from '../definitions/feature-types.js';
import type { OnDemandFeaturesDefinition } from '../definitions/on-demand-features.js';
import { type MaterializeOptions, type MaterializeResult, materializeOnline } from '../materialize/materialize-online.js';
import { ensureOfflineTable } from '../materialize/offline-table.js';
import type { OnlineStore } from '../online/online-store.js';
import { type OnlineStoreOptions, openOnlineStore } from '../online/open-online-store.js';
import { openFeatureRegistry } from '../registry/open-feature-registry.js';
import type { FeatureRegistry, ResolvedFeatureView } from '../registry/resolved-view.js';
import { keyValuesOf } from './entity-keys.js';

export interface OnlineFeaturesOptions extends OnlineStoreOptions {
  /** Resolves dataset-version sources when an offline table must be loaded first. */
  datasets?: DatasetResolver;
  /**
   * On-demand features computed on read: a request may name their outputs as features of a view they
   * read, and give their request fields beside the join keys.
   */
  onDemand?: readonly OnDemandFeaturesDefinition[];
  /** How long a view's definition is reused before the registry is asked again (5000 ms; 0 = always ask). */
  viewCacheMs?: number;
}

/** The online side of the feature store: materialisation into the online store and reads from it. */
export interface OnlineFeatures extends OnlineFeatureReader {
  readonly store: OnlineStore;
  /**
   * Materialises a view's latest version into the online store, bringing its offline table up to the
   * source first (see `refreshOffline`).
   */
  materialize(view: string, options?: MaterializeOptions & { refreshOffline?: boolean }): Promise<MaterializeResult>;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Opens the online store the workspace is configured for (`features.online.url`,
 * `MLP_FEATURES_ONLINE_URL`; the workspace database by default) with the feature registry.
 */
export async function openOnlineFeatures(workspace: Workspace, options: OnlineFeaturesOptions = {}): Promise<OnlineFeatures> {
  const registry = await openFeatureRegistry(workspace, options.datasets ? { datasets: options.datasets } : {});
  const store = await openOnlineStore(workspace, options);
  return createOnlineFeatures(workspace, registry, store, options);
}

function onDemandFor(view: string, feature: string, definitions: readonly OnDemandFeaturesDefinition[]) {
  return definitions.find(
    (definition) =>
      definition.outputs.some((output) => output.name === feature) && definition.sources.some((source) => source.name === view),
  );
}

/** The same over a registry and a store already open (the store is closed with it). */
export function createOnlineFeatures(
  workspace: Workspace,
  registry: FeatureRegistry,
  store: OnlineStore,
  options: Pick<OnlineFeaturesOptions, 'datasets' | 'onDemand' | 'viewCacheMs'> = {},
): OnlineFeatures {
  const cacheMs = options.viewCacheMs ?? 5000;
  const views = new Map<string, { view: ResolvedFeatureView; at: number }>();
  const onDemand = options.onDemand ?? [];

  async function viewOf(name: string): Promise<ResolvedFeatureView> {
    const cached = views.get(name);
    if (cached && Date.now() - cached.at < cacheMs) return cached.view;
    const view = await registry.getView(name);
    views.set(name, { view, at: Date.now() });
    return view;
  }

  async function getOnlineFeatures(request: OnlineFeatureRequest): Promise<Array<Record<string, FeatureValue> | null>> {
    const view = await viewOf(request.view);
    const keys = keyValuesOf(view, request.entityKeys);
    const own = new Set(view.features.map((feature) => feature.name));
    const wanted = request.features ?? view.features.map((feature) => feature.name);
    const computed = wanted.filter((name) => !own.has(name));
    if (computed.length === 0) return store.read(view, keys, request.features ? { features: wanted } : {});
    // On-demand outputs: read the view's features their transformations need, then compute them per entity.
    const definitions = computed.map((name) => {
      const definition = onDemandFor(view.name, name, onDemand);
      if (!definition) {
        throw new MlpError(
          'NOT_FOUND',
          `Feature view ${view.name} has no feature ${JSON.stringify(name)}: it has ${[...own].join(', ')}${onDemand.length > 0 ? ', and on-demand outputs of the definitions given' : ''}.`,
        );
      }
      return definition;
    });
    const rows = await store.read(view, keys);
    return rows.map((row, index) => {
      if (row === null) return null;
      const fields = request.entityKeys[index] as Record<string, FeatureValue>;
      const out: Record<string, FeatureValue> = {};
      const results = new Map<OnDemandFeaturesDefinition, Record<string, FeatureValue>>();
      for (const [i, name] of wanted.entries()) {
        if (own.has(name)) {
          out[name] = row[name] ?? null;
          continue;
        }
        const definition = definitions[computed.indexOf(name)] as OnDemandFeaturesDefinition;
        let result = results.get(definition);
        if (!result) {
          const input: Record<string, FeatureValue> = { ...row };
          for (const field of definition.request) input[field.name] = fields[field.name] ?? null;
          result = definition.apply(input);
          results.set(definition, result);
        }
        out[wanted[i] as string] = result[name] ?? null;
      }
      return out;
    });
  }

  const online: OnlineFeatures = {
    store,
    getOnlineFeatures,
    async materialize(name, materializeOptions = {}) {
      const view = await registry.getView(name);
      views.set(name, { view, at: Date.now() });
      await ensureOfflineTable(workspace, registry, view, {
        datasets: options.datasets,
        refresh: materializeOptions.refreshOffline,
        signal: materializeOptions.signal,
      });
      return materializeOnline(workspace.db, store, view, materializeOptions);
    },
    async close() {
      await store.close();
    },
    async [Symbol.asyncDispose]() {
      await online.close();
    },
  };
  return online satisfies OnlineFeatureReader;
}
