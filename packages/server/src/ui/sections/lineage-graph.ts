import { MlpError } from '@mlp/core';
import { invalidParameter } from '@mlp/core/http';
import type { ModelVersion } from '@mlp/registry';
import type { TrackingStore } from '@mlp/tracking';
import type { UiSources } from './ui-sources.js';

export type LineageKind = 'dataset' | 'run' | 'model' | 'deployment';

export interface LineageNode {
  id: string;
  kind: LineageKind;
  label: string;
  /** The UI page of the node, when it has one. */
  href: string | null;
}

/** The most runs one graph follows: a search of thousands of trials would draw as noise. */
const maxRuns = 200;

const enc = encodeURIComponent;
const notFoundToNull = (error: unknown) => {
  if (MlpError.isInstance(error) && error.code === 'NOT_FOUND') return null;
  throw error;
};

/**
 * The lineage graph of a model (all its versions) or of a dataset version: dataset version → run →
 * model version → deployment. Runs' inputs come from tracking (`run.useDataset` logs `name@version`
 * inputs), runs of a dataset version from the catalog's lineage, deployments from their revisions.
 */
export async function lineageGraph(
  sources: UiSources,
  tracking: TrackingStore,
  start: { model?: string | undefined; dataset?: string | undefined },
) {
  const { registry, datasets, deployments } = sources;
  const nodes = new Map<string, LineageNode>();
  const edges = new Map<string, { from: string; to: string }>();
  const node = (id: string, kind: LineageKind, label: string, href: string | null) => {
    if (!nodes.has(id)) nodes.set(id, { id, kind, label, href });
    return id;
  };
  const edge = (from: string, to: string) => edges.set(`${from}>${to}`, { from, to });
  const datasetNode = (ref: string) =>
    node(`dataset:${ref}`, 'dataset', ref, datasets ? `/datasets/${enc(ref.split('@')[0] ?? ref)}?version=${enc(ref)}` : null);
  const versionNode = (v: Pick<ModelVersion, 'name' | 'version'>) =>
    node(`model:${v.name}/${v.version}`, 'model', `${v.name} v${v.version}`, `/models/${enc(v.name)}`);

  const runIds = new Set<string>();
  const versions: ModelVersion[] = [];
  if (start.model) {
    if (!registry) throw new MlpError('FAILED_PRECONDITION', 'This server does not serve the model registry: start it with the registry.');
    await registry.getModel(start.model); // NOT_FOUND names the model
    versions.push(...(await registry.listVersions(start.model)));
    for (const v of versions) if (v.runId) runIds.add(v.runId);
  } else if (start.dataset) {
    if (!datasets) throw new MlpError('FAILED_PRECONDITION', 'This server does not serve the dataset catalog (@mlp/data-version).');
    const version = await datasets.getVersion(start.dataset);
    datasetNode(version.ref);
    for (const use of (await datasets.lineage.runsOfVersion(version.ref)).slice(0, maxRuns)) runIds.add(use.runId);
    if (registry) for (const runId of runIds) versions.push(...(await registry.searchVersions({ runId, maxResults: 100 })));
  } else {
    throw invalidParameter('Give model (a registered model name) or dataset (a dataset version such as flights@3).');
  }

  for (const runId of [...runIds].slice(0, maxRuns)) {
    const run = await tracking.getRun(runId).catch(notFoundToNull);
    const id = node(`run:${runId}`, 'run', run?.name || runId.slice(0, 8), run ? `/runs/${enc(runId)}` : null);
    for (const input of run?.inputs ?? []) {
      const ref = datasetNode(input.name);
      if (input.context === 'output') edge(id, ref);
      else edge(ref, id);
    }
  }
  for (const v of versions) {
    const id = versionNode(v);
    if (v.runId && nodes.has(`run:${v.runId}`)) edge(`run:${v.runId}`, id);
  }
  if (deployments && versions.length > 0) {
    const models = new Set(versions.map((v) => v.name));
    for (const deployment of await deployments.list()) {
      if (!models.has(deployment.modelName)) continue;
      const id = node(`deployment:${deployment.name}`, 'deployment', deployment.name, `/deployments/${enc(deployment.name)}`);
      for (const rev of deployment.revisions) {
        const from = `model:${deployment.modelName}/${rev.modelVersion}`;
        if (nodes.has(from)) edge(from, id);
      }
    }
  }
  return { nodes: [...nodes.values()], edges: [...edges.values()] };
}
