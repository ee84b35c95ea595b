import type { CliContext } from '@mlp/cli';
import type { MonitorScheduling } from '@mlp/core';
import { startMonitoring } from '../monitors/start-monitoring.js';
import { createMonitorMetrics } from '../prometheus/monitor-metrics.js';
import { monitorCliSources } from './monitor-cli-sources.js';

/**
 * The `monitorScheduling` service: `mlp server` runs scheduled monitors through it with what the
 * installed packages offer (prediction log, dataset versions, lineage), and serves their gauges.
 */
export async function openMonitorScheduling(context: CliContext): Promise<MonitorScheduling> {
  const workspace = await context.openWorkspace();
  const metrics = createMonitorMetrics();
  return {
    async start(options = {}) {
      const sources = await monitorCliSources(context);
      return startMonitoring(workspace, {
        sources: { ...sources, metrics },
        ...(options.pollIntervalMs !== undefined ? { pollIntervalMs: options.pollIntervalMs } : {}),
        onRun: (run) =>
          workspace.logger.info(
            { monitor: run.monitor, windowEnd: run.windowEnd, driftShare: run.result.drift.driftShare, alerts: run.transitions.length },
            'monitor window computed',
          ),
      });
    },
    metricsText: () => metrics.registry.metrics(),
  } satisfies MonitorScheduling;
}
