import { rawRoute } from '../mlflow/tracking-route.js';
import type { ServerMetrics } from './server-metrics.js';

/**
 * `GET /metrics`: the server's metrics, then those of the packages it runs (the monitor's drift gauges),
 * in Prometheus' text format. No token (scrapers rarely carry one); the host check still applies.
 */
export function createMetricsRoute(metrics: ServerMetrics, more: readonly (() => Promise<string>)[]) {
  return rawRoute('GET', 'metrics', 'public', async (_req, res) => {
    const parts = [await metrics.registry.metrics(), ...(await Promise.all(more.map((text) => text())))];
    const body = parts.map((part) => (part.endsWith('\n') ? part : `${part}\n`)).join('');
    res.writeHead(200, { 'content-type': metrics.registry.contentType, 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
}
