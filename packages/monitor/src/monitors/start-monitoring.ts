import type { Workspace } from '@mlp/core';
import type { MonitorRun } from './monitor-result.js';
import { startMonitorScheduler } from './monitor-scheduler.js';
import { type MonitorWebhookOptions, startMonitorWebhooks } from './monitor-webhooks.js';
import { type RunMonitorOptions, runMonitor } from './run-monitor.js';

export interface MonitoringOptions {
  /** What runs read (prediction log, dataset versions, lineage) and the gauges they set. */
  sources: Omit<RunMonitorOptions, 'windowEnd'>;
  /** How often schedules are checked (default 5 s). */
  pollIntervalMs?: number;
  webhooks?: MonitorWebhookOptions;
  onRun?: (run: MonitorRun) => void;
  onError?: (monitor: string, tick: number, error: unknown) => void;
}

export interface Monitoring {
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Scheduled monitors and their alert webhooks, as one service (`mlp monitor agent`, `mlp server`): each
 * due tick runs once across every process that starts this on the workspace.
 */
export async function startMonitoring(workspace: Workspace, options: MonitoringOptions): Promise<Monitoring> {
  const webhooks = startMonitorWebhooks(workspace, options.webhooks);
  const scheduler = await startMonitorScheduler(workspace, {
    run: (name, tick) => runMonitor(workspace, name, { ...options.sources, windowEnd: tick }),
    ...(options.pollIntervalMs !== undefined ? { pollIntervalMs: options.pollIntervalMs } : {}),
    ...(options.onRun ? { onRun: options.onRun } : {}),
    ...(options.onError ? { onError: options.onError } : {}),
  }).catch(async (error: unknown) => {
    await webhooks.close();
    throw error;
  });
  const close = async () => {
    await scheduler.close();
    await webhooks.close();
  };
  return { close, [Symbol.asyncDispose]: close };
}
