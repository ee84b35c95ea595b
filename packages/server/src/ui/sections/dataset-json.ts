import type { BrowsedDatasetUse, BrowsedDatasetVersion, ValidationSummary } from '@mlp/core';

/** A dataset version as the UI reads it: snake_case, epoch-ms times. */
export function datasetVersionJson(version: BrowsedDatasetVersion) {
  return {
    dataset: version.dataset,
    version: version.version,
    ref: version.ref,
    root_hash: version.rootHash,
    size: version.size,
    nfiles: version.nfiles,
    path: version.path,
    format: version.format,
    schema: version.schema ? { format: version.schema.format, row_count: version.schema.rowCount, columns: version.schema.columns } : null,
    source: version.source ? { kind: version.source.kind, uri: version.source.uri } : null,
    message: version.message,
    tags: version.tags,
    created_by: version.createdBy,
    created_at: version.createdAt.getTime(),
  };
}

export function datasetUseJson(use: BrowsedDatasetUse) {
  return { run_id: use.runId, role: use.role, ref: use.version.ref, recorded_at: use.recordedAt.getTime() };
}

export function validationJson(summary: ValidationSummary) {
  return {
    validation_id: summary.validationId,
    suite_name: summary.suiteName,
    success: summary.success,
    dataset_version: summary.datasetVersion,
    run_id: summary.runId,
    started_at: Date.parse(summary.startedAt),
    row_count: summary.rowCount,
    evaluated: summary.statistics.evaluated,
    successful: summary.statistics.successful,
    unsuccessful: summary.statistics.unsuccessful,
    success_percent: summary.statistics.successPercent,
  };
}
