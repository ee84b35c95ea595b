/** A running service that stops on `close`. */
export interface MonitorSchedulingHandle {
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Scheduled monitors inside a long-running process, and their gauges. Provided by `@mlp/monitor`
 * (its CLI module builds it with the prediction log, dataset versions and lineage the installed
 * packages offer), consumed by `@mlp/server` (`mlp server` runs the schedules and serves the gauges on
 * `/metrics`), so the server does not import the monitor package.
 */
export interface MonitorScheduling {
  /** Runs monitors on their schedules (each tick once across processes) and sends their alert webhooks. */
  start(options?: { pollIntervalMs?: number }): Promise<MonitorSchedulingHandle>;
  /** The monitors' gauges (`mlp_monitor_*`) in Prometheus' text format, as of the last window each computed here. */
  metricsText(): Promise<string>;
}
