import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** The server's own Prometheus metrics, in a registry of its own (never prom-client's global one). */
export interface ServerMetrics {
  readonly registry: Registry;
  /** Counts one answered request: `route` is the matched route's template (null when none matched). */
  observe(request: { method: string; route: string | null; status: number; seconds: number }): void;
}

// Methods outside this set are counted as OTHER, so a client cannot grow the label set.
const methods = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * `mlp server`'s metrics: process metrics (`mlp_process_*`, `mlp_nodejs_*`), and HTTP requests counted
 * and timed by method, route template and status class, so every label has a bounded set of values.
 */
export function createServerMetrics(): ServerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'mlp_' });
  const requests = new Counter({
    name: 'mlp_http_requests_total',
    help: 'HTTP requests mlp server answered, by method, route template and status code',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'mlp_http_request_duration_seconds',
    help: 'Time from a request’s arrival to its answer, by method and route template',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  return {
    registry,
    observe({ method, route, status, seconds }) {
      const labels = { method: methods.has(method) ? method : 'OTHER', route: route ?? 'unmatched' };
      requests.inc({ ...labels, status: String(status) });
      duration.observe(labels, seconds);
    },
  };
}
