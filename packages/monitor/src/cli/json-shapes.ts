import type { ColumnDrift, DriftResult } from '../drift/detect-drift.js';
import type { PrometheusRuleFile } from '../prometheus/prometheus-rules.js';
import type { ClassificationMetrics } from '../quality/classification-metrics.js';
import type { QualityWindow } from '../quality/model-quality.js';
import type { RegressionMetrics } from '../quality/regression-metrics.js';

// The `--json` shapes of `mlp monitor`: snake_case keys, times in epoch milliseconds, absent values as null.

export function columnDriftJson(column: ColumnDrift) {
  return {
    column: column.column,
    kind: column.kind,
    test: column.test,
    score: column.score,
    threshold: column.threshold,
    drifted: column.drifted,
    problem: column.problem ?? null,
    reference: { count: column.reference.count, nulls: column.reference.nulls },
    current: { count: column.current.count, nulls: column.current.nulls },
  };
}

/** `mlp monitor drift --json`: `drift_share` is the share of tested columns that drifted. */
export function driftJson(result: DriftResult, sides: { reference: string; current: string; report: string | undefined }) {
  return {
    dataset_drift: result.datasetDrift,
    drift_share: result.driftShare,
    drift_share_threshold: result.driftShareThreshold,
    tested_columns: result.testedColumns,
    drifted_columns: result.driftedColumns,
    reference: sides.reference,
    current: sides.current,
    report: sides.report ?? null,
    columns: result.columns.map(columnDriftJson),
    prediction_drift: result.prediction ? columnDriftJson(result.prediction) : null,
    target_drift: result.target ? columnDriftJson(result.target) : null,
  };
}

/** `mlp monitor prometheus-rules --json`: the rule file written (or null when printed) and its rules by kind. */
export function prometheusRulesJson(file: PrometheusRuleFile, out: string | undefined) {
  const rules = file.groups.flatMap((group) => group.rules);
  return {
    file: out ?? null,
    groups: file.groups.map((group) => group.name),
    alerting_rules: rules.flatMap((rule) => ('alert' in rule ? [rule.alert] : [])),
    recording_rules: rules.flatMap((rule) => ('record' in rule ? [rule.record] : [])),
  };
}

/** `mlp monitor dashboards --json`: the files written, relative to `out`. */
export function dashboardsJson(
  out: string,
  dashboards: readonly { file: string; uid: string; title: string }[],
  provisioning: readonly string[],
) {
  return { out, dashboards, provisioning };
}

/** `mlp monitor labels --json`: labels written from the file, rows left out, and the deployment's labels in all. */
export function labelsJson(result: { deployment: string; file: string; written: number; skipped: number; total: number }) {
  return { deployment: result.deployment, file: result.file, written: result.written, skipped: result.skipped, total_labels: result.total };
}

/** `mlp monitor quality --json`: per window the predictions, the labelled ones and their metrics (null without labels). */
export function qualityJson(result: {
  model: string;
  deployment: string;
  task: string;
  from: number;
  to: number;
  windowMs: number;
  windows: readonly QualityWindow[];
}) {
  return {
    model: result.model,
    deployment: result.deployment,
    task: result.task,
    from: result.from,
    to: result.to,
    window_ms: result.windowMs,
    windows: result.windows.map((window) => ({
      start: window.start,
      end: window.end,
      predictions: window.predictions,
      labelled: window.labelled,
      metrics: window.metrics === null ? null : qualityMetricsJson(window.metrics),
      problem: window.problem ?? null,
    })),
  };
}

function qualityMetricsJson(metrics: ClassificationMetrics | RegressionMetrics) {
  if ('rmse' in metrics) return { rows: metrics.rows, rmse: metrics.rmse, mae: metrics.mae, r2: metrics.r2 };
  return {
    rows: metrics.rows,
    accuracy: metrics.accuracy,
    precision: metrics.precision,
    recall: metrics.recall,
    f1: metrics.f1,
    roc_auc: metrics.rocAuc,
    log_loss: metrics.logLoss,
  };
}
