import { type RouteMount, routeBuilder } from '@mlp/core/http';
import type { Registry } from 'prom-client';

/** `GET /metrics` in Prometheus' text format, without a token (scrapers rarely carry one). */
export function createMetricsRoute(registry: Registry): RouteMount<object> {
  const { raw } = routeBuilder<object>();
  return {
    prefixes: ['/'],
    routes: [
      raw('GET', 'metrics', 'public', async (_req, res) => {
        const text = await registry.metrics();
        res.writeHead(200, { 'content-type': registry.contentType, 'content-length': Buffer.byteLength(text) });
        res.end(text);
      }),
    ],
  };
}
