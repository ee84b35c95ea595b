import type { DatasetResolver, Workspace } from '@mlp/core';
import { openOfflineStore } from '../offline/open-offline-store.js';
import type { FeatureRegistry, ResolvedFeatureView } from '../registry/resolved-view.js';
import { resolveDataset } from '../sources/inspect-source.js';

/**
 * Brings the view version's offline table up to its source before materialising from it: loaded
 * when it never was, when its dataset source now names another version, and (unless `refresh` is
 * false) every time for a table or query source, whose rows change in place.
 */
export async function ensureOfflineTable(
  workspace: Pick<Workspace, 'db' | 'migrate'>,
  registry: FeatureRegistry,
  view: ResolvedFeatureView,
  options: { datasets?: DatasetResolver | undefined; refresh?: boolean | undefined; signal?: AbortSignal | undefined },
): Promise<void> {
  const offline = await openOfflineStore(workspace, { registry, datasets: options.datasets });
  const last = await offline.lastLoad(view.name, view.version);
  let due = last === null;
  if (!due && 'dataset' in view.source) {
    const current = await resolveDataset(view.source.dataset, options.datasets);
    due = options.refresh === true || last?.sourceState.kind !== 'dataset' || current.version.rootHash !== last.sourceState.rootHash;
  } else if (!due) {
    due = options.refresh !== false;
  }
  if (due) await offline.materialize(view.name, { version: view.version, ...(options.signal ? { signal: options.signal } : {}) });
}
