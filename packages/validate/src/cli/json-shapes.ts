import type { ExpectationResult, ValidationResult } from '../result/validation-result.js';

// The `--json` shapes of `mlp validate`: snake_case keys, times in epoch milliseconds, absent values
// as null (docs/cli-json.md). An expectation's `args` and `meta` are printed as the suite file has
// them: they are the suite author's data, not our keys.

export function expectationResultJson(result: ExpectationResult) {
  return {
    index: result.index,
    type: result.type,
    args: result.args,
    severity: result.severity,
    meta: result.meta ?? null,
    success: result.success,
    observed_value: result.observedValue ?? null,
    element_count: result.elementCount ?? null,
    missing_count: result.missingCount ?? null,
    missing_percent: result.missingPercent ?? null,
    unexpected_count: result.unexpectedCount ?? null,
    unexpected_percent: result.unexpectedPercent ?? null,
    unexpected_percent_total: result.unexpectedPercentTotal ?? null,
    partial_unexpected_list: result.partialUnexpectedList ?? null,
    partial_unexpected_index_list: result.partialUnexpectedIndexList ?? null,
    partial_unexpected_counts: result.partialUnexpectedCounts?.map((entry) => ({ value: entry.value, count: entry.count })) ?? null,
    message: result.message ?? null,
    exception: result.exception ? { message: result.exception.message, code: result.exception.code ?? null } : null,
  };
}

/** `mlp validate DATA --suite S --json`; `validationId` is the stored result's id (null with --no-store). */
export function validationJson(result: ValidationResult, validationId: string | undefined) {
  return {
    validation_id: validationId ?? null,
    suite_name: result.suiteName,
    success: result.success,
    statistics: {
      evaluated: result.statistics.evaluated,
      successful: result.statistics.successful,
      unsuccessful: result.statistics.unsuccessful,
      success_percent: result.statistics.successPercent,
    },
    results: result.results.map(expectationResultJson),
    row_count: result.rowCount,
    columns: result.columns.map((column) => ({ name: column.name, kind: column.kind, native_type: column.nativeType })),
    engine: result.engine,
    source: result.source,
    started_at: Date.parse(result.startedAt),
    duration_ms: result.durationMs,
  };
}
