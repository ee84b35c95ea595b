import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ModelRepository } from './model-repository.js';
import type { ServerMetrics } from './server-metrics.js';

/** OIP infer (`/v2/models/{name}[/versions/{v}]/infer`) and MLflow scoring (`/invocations`, `/models/{name}/invocations`). */
const inferPath = /^\/v2\/models\/([^/?]+)(?:\/versions\/[^/?]+)?\/infer(?:\?|$)/;
const invocationsPath = /^(?:\/models\/([^/?]+))?\/invocations(?:\?|$)/;

/**
 * Counts every inference request (OIP infer and MLflow's `/invocations`) once it ends, by model, version and status, whatever answered it
 * (the handler, the body limit, the JSON parser): the series the deployment controller's analysis
 * reads. Names no model of the server serves count as `model="_unknown"`, so a client cannot grow
 * the number of series.
 */
export function trackRequests(metrics: ServerMetrics, repository: ModelRepository) {
  let inflight = 0;
  return {
    get inflight() {
      return inflight;
    },
    track(req: IncomingMessage, res: ServerResponse): void {
      const started = process.hrtime.bigint();
      inflight++;
      metrics.inflight.set(inflight);
      res.once('close', () => {
        inflight--;
        metrics.inflight.set(inflight);
        const url = req.url ?? '';
        const match = inferPath.exec(url) ?? invocationsPath.exec(url);
        if (!match) return;
        let name = '_unknown';
        let version = '';
        try {
          // `/invocations` names no model: a server of one model answers with it.
          const all = repository.list();
          const model = match[1] === undefined ? (all.length === 1 ? all[0] : undefined) : repository.find(decodeURIComponent(match[1]));
          if (model) {
            name = model.name;
            version = model.version;
          }
        } catch {
          // Bad percent-encoding: an unknown model.
        }
        const status = res.writableFinished ? String(res.statusCode) : '499';
        metrics.requests.inc({ model: name, version, status });
        metrics.duration.observe({ model: name, version }, Number(process.hrtime.bigint() - started) / 1e9);
      });
    },
  };
}
