import type { MonitorAlertReader, Workspace } from '@mlp/core';
import { openAlertStore } from '../alerts/alert-store.js';
import { openMonitorStore } from './monitor-store.js';

/** The monitors' alerts and drift over time as core's `MonitorAlertReader` (what `mlp server`'s web UI reads). */
export async function openMonitorReader(workspace: Pick<Workspace, 'db' | 'migrate' | 'events'>): Promise<MonitorAlertReader> {
  const [alerts, monitors] = await Promise.all([openAlertStore(workspace), openMonitorStore(workspace)]);
  return {
    list: (options) => alerts.list(options),
    async monitorNames() {
      return (await monitors.list()).map((monitor) => monitor.spec.name).sort();
    },
    async driftOverTime(name, options = {}) {
      await monitors.get(name); // NOT_FOUND names the monitor
      const points = await monitors.driftOverTime(name, options.limit === undefined ? {} : { limit: options.limit });
      return points;
    },
  };
}
