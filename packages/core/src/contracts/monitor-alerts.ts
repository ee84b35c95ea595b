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

/**
 * Reads a workspace's monitor alerts. Provided by `@mlp/monitor` (its alert store satisfies it),
 * consumed by `@mlp/server`'s web UI.
 */
export interface MonitorAlertReader {
  /** Newest first; `open` keeps pending and firing ones. */
  list(options?: { monitor?: string; open?: boolean; limit?: number }): Promise<MonitorAlert[]>;
}
