import { Gauge, Registry } from 'prom-client';
import type { DriftResult } from '../drift/detect-drift.js';

/**
 * The monitor's Prometheus metrics, in a registry of their own (merge it into a server's with `Registry.merge`).
 * Labels stay bounded: a monitor's name and the columns it tests.
 */
export interface MonitorMetrics {
  readonly registry: Registry;
  readonly driftScore: Gauge<'monitor' | 'column' | 'test'>;
  readonly driftThreshold: Gauge<'monitor' | 'column' | 'test'>;
  readonly columnDrifted: Gauge<'monitor' | 'column'>;
  readonly datasetDriftShare: Gauge<'monitor'>;
  readonly datasetDrift: Gauge<'monitor'>;
  readonly lastRun: Gauge<'monitor'>;
}

/** A fresh registry with the monitor's gauges (one per process or server, never prom-client's global one). */
export function createMonitorMetrics(): MonitorMetrics {
  const registry = new Registry();
  const registers = [registry];
  return {
    registry,
    driftScore: new Gauge({
      name: 'mlp_monitor_drift_score',
      help: 'The latest drift score of a column (p-value or distance, as the test defines it)',
      labelNames: ['monitor', 'column', 'test'] as const,
      registers,
    }),
    driftThreshold: new Gauge({
      name: 'mlp_monitor_drift_threshold',
      help: 'The threshold the column’s drift score is compared with',
      labelNames: ['monitor', 'column', 'test'] as const,
      registers,
    }),
    columnDrifted: new Gauge({
      name: 'mlp_monitor_column_drifted',
      help: '1 when the column drifted in the latest window, else 0',
      labelNames: ['monitor', 'column'] as const,
      registers,
    }),
    datasetDriftShare: new Gauge({
      name: 'mlp_monitor_drift_share_ratio',
      help: 'Share of the tested columns that drifted in the latest window (0 to 1)',
      labelNames: ['monitor'] as const,
      registers,
    }),
    datasetDrift: new Gauge({
      name: 'mlp_monitor_dataset_drift',
      help: '1 when the latest window shows dataset drift, else 0',
      labelNames: ['monitor'] as const,
      registers,
    }),
    lastRun: new Gauge({
      name: 'mlp_monitor_last_run_timestamp_seconds',
      help: 'When the monitor last computed a window (Unix seconds)',
      labelNames: ['monitor'] as const,
      registers,
    }),
  };
}

/** The per-column label sets each monitor last wrote, so a column no longer tested loses its series. */
const written = new WeakMap<MonitorMetrics, Map<string, { column: string; test: string }[]>>();

/** Sets the gauges of one monitor from a drift result; columns no longer tested lose their series. */
export function recordDriftMetrics(metrics: MonitorMetrics, monitor: string, result: DriftResult, at: Date = new Date()): void {
  const byMonitor = written.get(metrics) ?? new Map<string, { column: string; test: string }[]>();
  written.set(metrics, byMonitor);
  for (const { column, test } of byMonitor.get(monitor) ?? []) {
    metrics.driftScore.remove({ monitor, column, test });
    metrics.driftThreshold.remove({ monitor, column, test });
    metrics.columnDrifted.remove({ monitor, column });
  }
  const now: { column: string; test: string }[] = [];
  byMonitor.set(monitor, now);
  for (const column of result.columns) {
    if (column.test === null || column.score === null) continue;
    const labels = { monitor, column: column.column, test: column.test };
    now.push({ column: column.column, test: column.test });
    metrics.driftScore.set(labels, column.score);
    if (column.threshold !== null) metrics.driftThreshold.set(labels, column.threshold);
    metrics.columnDrifted.set({ monitor, column: column.column }, column.drifted ? 1 : 0);
  }
  metrics.datasetDriftShare.set({ monitor }, result.driftShare);
  metrics.datasetDrift.set({ monitor }, result.datasetDrift ? 1 : 0);
  metrics.lastRun.set({ monitor }, at.getTime() / 1000);
}
