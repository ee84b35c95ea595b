import type { BrowsedDataset, BrowsedDatasetSummary, BrowsedDatasetUse, BrowsedDatasetVersion } from './dataset-browser.js';

// The JSON of the dataset catalog, one shape for `mlp data … --json` and the web UI's API
// (docs/cli-json.md): snake_case keys, epoch-ms times, absent values as null.

export function datasetJson(dataset: BrowsedDataset) {
  return {
    name: dataset.name,
    description: dataset.description,
    created_by: dataset.createdBy,
    created_at: dataset.createdAt.getTime(),
  };
}

export function datasetVersionJson(version: BrowsedDatasetVersion) {
  const { schema, source } = version;
  return {
    dataset: version.dataset,
    version: version.version,
    ref: version.ref,
    root_hash: version.rootHash,
    size: version.size,
    nfiles: version.nfiles,
    path: version.path,
    format: version.format,
    schema: schema
      ? {
          format: schema.format,
          columns: schema.columns.map((column) => ({ name: column.name, type: column.type })),
          row_count: schema.rowCount,
        }
      : null,
    source: source ? { kind: source.kind, uri: source.uri, query: source.query ?? null, etag: source.etag ?? null } : null,
    message: version.message,
    tags: version.tags,
    created_by: version.createdBy,
    created_at: version.createdAt.getTime(),
  };
}

/** A dataset with its version count and newest version (`mlp data ls`, the UI's dataset list). */
export function datasetSummaryJson(dataset: BrowsedDatasetSummary) {
  return {
    ...datasetJson(dataset),
    version_count: dataset.versionCount,
    latest: dataset.latest ? datasetVersionJson(dataset.latest) : null,
  };
}

/** A run's use of a dataset version. */
export function datasetUseJson(use: BrowsedDatasetUse) {
  return { run_id: use.runId, role: use.role, ref: use.version.ref, recorded_at: use.recordedAt.getTime() };
}
