import type { ValidationSummary } from '@mlp/core';

// Datasets, versions and their uses print as core's `datasetSummaryJson`, `datasetVersionJson`, `datasetUseJson`
// (the shapes `mlp data … --json` prints); a validation summary has no CLI twin.

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
