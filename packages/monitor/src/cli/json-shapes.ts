import { monitorDriftPointJson } from '@mlp/core';
import type { ColumnDrift, DriftResult } from '../drift/detect-drift.js';
import type { MonitorRun } from '../monitors/monitor-result.js';
import type { DriftPoint, StoredMonitor, StoredWindowResult } from '../monitors/monitor-store.js';
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

// `mlp monitor create|ls|show|run`
export function monitorJson(monitor: StoredMonitor) {
  const { spec } = monitor;
  return {
    name: spec.name,
    source:
      spec.source.kind === 'deployment'
        ? { kind: 'deployment', deployment: spec.source.deployment, model: spec.source.model }
        : { kind: 'dataset', dataset: spec.source.dataset },
    reference: { ...spec.reference, resolved: spec.referenceResolved },
    window_ms: spec.windowMs,
    tests: {
      columns: spec.tests.columns ?? null,
      test: spec.tests.test ?? null,
      threshold: spec.tests.threshold ?? null,
      per_column: spec.tests.perColumn ?? {},
      drift_share: spec.tests.driftShare,
    },
    schedule: spec.schedule
      ? 'cron' in spec.schedule
        ? { cron: spec.schedule.cron, timezone: spec.schedule.timezone ?? 'UTC' }
        : { every_ms: spec.schedule.everyMs }
      : null,
    alerts: spec.alerts.map((rule) => ({
      name: rule.name,
      metric: rule.metric,
      column: rule.column ?? null,
      op: rule.op,
      threshold: rule.threshold,
      for_ms: rule.forMs,
      severity: rule.severity,
    })),
    quality: spec.quality
      ? {
          task: spec.quality.task,
          prediction_column: spec.quality.predictionColumn ?? null,
          score_column: spec.quality.scoreColumn ?? null,
          positive_class: spec.quality.positiveClass ?? null,
        }
      : null,
    webhook_url: spec.webhookUrl,
    created_at: monitor.createdAt,
  };
}

function windowJson(stored: Pick<StoredWindowResult, 'windowStart' | 'windowEnd' | 'result'>) {
  const { result } = stored;
  return {
    window_start: stored.windowStart,
    window_end: stored.windowEnd,
    rows: result.rows,
    reference: result.reference,
    current: result.current,
    problem: result.problem,
    dataset_drift: result.drift.datasetDrift,
    drift_share: result.drift.driftShare,
    drift_share_threshold: result.drift.driftShareThreshold,
    tested_columns: result.drift.testedColumns,
    drifted_columns: result.drift.driftedColumns,
    columns: result.drift.columns.map(columnDriftJson),
    data_quality: result.dataQuality
      ? {
          failed: result.dataQuality.failed,
          failed_columns: result.dataQuality.columns
            .filter((column) => column.failed)
            .map((column) => ({
              column: column.column,
              missing_share: column.missing?.current ?? null,
              new_category_share: column.newCategories?.share ?? null,
              out_of_range_share: column.outOfRange?.share ?? null,
              problem: column.problem ?? null,
            })),
        }
      : null,
    latency: result.latencyMs ? { p50_ms: result.latencyMs.p50, p95_ms: result.latencyMs.p95, max_ms: result.latencyMs.max } : null,
    model_versions: Object.entries(result.modelVersions).map(([version, requests]) => ({ model_version: version, requests })),
    quality: result.quality
      ? {
          task: result.quality.task,
          kind: result.quality.kind,
          predictions: result.quality.predictions,
          labelled: result.quality.labelled,
          metrics: result.quality.metrics,
          problem: result.quality.problem,
        }
      : null,
  };
}

export const monitorShowJson = {
  window: windowJson,
  show: (monitor: StoredMonitor, latest: StoredWindowResult | undefined, over: DriftPoint[]) => ({
    ...monitorJson(monitor),
    latest: latest ? windowJson(latest) : null,
    drift_over_time: over.map(monitorDriftPointJson),
  }),
};

/** `mlp monitor run --json`: the window computed and the alert transitions it caused. */
export function monitorRunJson(run: MonitorRun) {
  return {
    monitor: run.monitor,
    ...windowJson(run),
    alerts: run.transitions.map((t) => ({
      kind: t.kind,
      rule: t.rule,
      key: t.key,
      column: t.column,
      severity: t.severity,
      value: t.value,
      at: t.at,
      active_since: t.activeSince,
    })),
  };
}
