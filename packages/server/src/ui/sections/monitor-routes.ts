import type { MonitorAlertReader } from '@mlp/core';
import { bool, int64, message, string } from '@mlp/core/http';
import { jsonRoute, type TrackingRoute } from '../../mlflow/tracking-route.js';

/**
 * Monitoring: the stored alerts, newest first. @mlp/monitor stores alerts (with the value that moved
 * them) and profiles, not drift results yet: a drift-over-time chart waits for a results store.
 */
export function monitorRoutes(alerts: MonitorAlertReader): TrackingRoute[] {
  return [
    jsonRoute(
      'GET',
      'ui/alerts',
      'read',
      message({ monitor: string.optional(), open: bool.optional(), limit: int64.optional() }),
      async (input) => ({
        alerts: (
          await alerts.list({
            ...(input.monitor ? { monitor: input.monitor } : {}),
            ...(input.open ? { open: true } : {}),
            limit: Math.min(Math.max(input.limit ?? 500, 1), 5000),
          })
        ).map((alert) => ({
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
        })),
      }),
    ),
  ];
}
