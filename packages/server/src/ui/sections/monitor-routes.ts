import { type MonitorAlertReader, monitorAlertJson, monitorDriftPointJson } from '@mlp/core';
import { bool, int64, message, string } from '@mlp/core/http';
import { jsonRoute, type TrackingRoute } from '../../mlflow/tracking-route.js';

/** Monitoring: the monitors, each one's drift over time (a point a window), and the stored alerts, newest first. */
export function monitorRoutes(alerts: MonitorAlertReader): TrackingRoute[] {
  return [
    jsonRoute('GET', 'ui/monitors', 'read', message({}), async () => ({ monitors: await alerts.monitorNames() })),
    jsonRoute('GET', 'ui/monitors/{name}/drift', 'read', message({ name: string.required(), limit: int64.optional() }), async (input) => ({
      monitor: input.name,
      points: (await alerts.driftOverTime(input.name, { limit: Math.min(Math.max(input.limit ?? 500, 1), 5000) })).map(
        monitorDriftPointJson,
      ),
    })),
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
        ).map(monitorAlertJson),
      }),
    ),
  ];
}
