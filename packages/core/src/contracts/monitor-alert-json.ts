import type { MonitorAlert, MonitorDriftPoint } from './monitor-alerts.js';

// The JSON of a monitor's alerts and drift points, one shape for `mlp monitor … --json` and the web
// UI's API (docs/cli-json.md): snake_case keys, epoch-ms times, null while not reached.

/** An alert as `mlp monitor alerts --json` prints it and `GET /api/mlp/ui/alerts` sends it. */
export function monitorAlertJson(alert: MonitorAlert) {
  return {
    alert_id: alert.alertId,
    monitor: alert.monitor,
    rule: alert.rule,
    key: alert.key,
    column: alert.column,
    severity: alert.severity,
    state: alert.state,
    value: alert.value,
    active_since: alert.activeSince,
    fired_at: alert.firedAt,
    resolved_at: alert.resolvedAt,
  };
}

/** One window of drift over time, as `mlp monitor show --json` and the web UI's drift chart read it. */
export function monitorDriftPointJson(point: MonitorDriftPoint) {
  return {
    window_start: point.windowStart,
    window_end: point.windowEnd,
    rows: point.rows,
    dataset_drift: point.datasetDrift,
    drift_share: point.driftShare,
    columns: point.columns.map((column) => ({
      column: column.column,
      test: column.test,
      score: column.score,
      threshold: column.threshold,
      drifted: column.drifted,
    })),
  };
}
