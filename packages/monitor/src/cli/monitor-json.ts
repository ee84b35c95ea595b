import { monitorDriftPointJson } from '@mlp/core';
import type { MonitorRun } from '../monitors/monitor-result.js';
import type { DriftPoint, StoredMonitor, StoredWindowResult } from '../monitors/monitor-store.js';
import { columnDriftJson } from './json-shapes.js';

// The `--json` shapes of `mlp monitor create|ls|show|run`: snake_case keys, epoch-ms times, absent values as null.

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
