/** One alert of a monitor, as `@mlp/monitor`'s alert store keeps it. Times are epoch ms. */
export interface MonitorAlert {
  alertId: string;
  monitor: string;
  rule: string;
  key: string;
  column: string | null;
  severity: string;
  state: 'pending' | 'firing' | 'resolved';
  value: number | null;
  activeSince: number;
  firedAt: number | null;
  resolvedAt: number | null;
}

/** One window of a monitor's drift over time: the share of drifted columns and each column's score. */
export interface MonitorDriftPoint {
  windowStart: number;
  windowEnd: number;
  rows: number;
  datasetDrift: boolean;
  driftShare: number;
  columns: Array<{ column: string; test: string | null; score: number | null; threshold: number | null; drifted: boolean }>;
}

/**
 * Reads a workspace's monitors: their alerts and their drift over time. Provided by `@mlp/monitor`
 * (`openMonitorReader`), consumed by `@mlp/server`'s web UI.
 */
export interface MonitorAlertReader {
  /** Newest first; `open` keeps pending and firing ones. */
  list(options?: { monitor?: string; open?: boolean; limit?: number }): Promise<MonitorAlert[]>;
  /** The stored monitors' names, sorted. */
  monitorNames(): Promise<string[]>;
  /** A monitor's windows, oldest first (the latest `limit`); NOT_FOUND for an unknown monitor. */
  driftOverTime(monitor: string, options?: { limit?: number }): Promise<MonitorDriftPoint[]>;
}
