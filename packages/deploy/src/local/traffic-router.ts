import { Agent, createServer, type IncomingHttpHeaders, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MlpError } from '@mlp/core';
import { Counter, Histogram, Registry } from 'prom-client';
import { type Backend, pickGroup, type RouteGroup, type RouteTable, stickyPoint } from './route-table.js';

export interface TrafficRouterOptions {
  /** The deployment's name, a label on the router's metrics. */
  deployment: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** The header whose value keeps a client on one group (A/B); requests without it are spread by weight. */
  stickyHeader?: string;
  /** The largest request body forwarded (it is held in memory, so a request can be retried on another server). */
  maxBodyBytes?: number;
  /** Attempts per request when a server refuses or resets the connection before answering. */
  maxAttempts?: number;
}

export interface TrafficRouter {
  readonly url: string;
  readonly port: number;
  /** Serves `table` from the next request on; requests already sent finish where they went. */
  setTable(table: RouteTable): void;
  /** Requests in flight to a backend (by its id). */
  inflight(backendId: string): number;
  /** Resolves once no request is in flight to any of these backends (they must be out of the table first). */
  drained(backendIds: readonly string[]): Promise<void>;
  /** Closes the kept connections to a server no longer in the table (after `drained`). */
  release(url: string): void;
  /** The router's own metrics: requests and latency per revision and variant (`mlp_deploy_router_*`). */
  readonly metrics: Registry;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

const hopByHop = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
]);

function forwardHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {};
  for (const [key, value] of Object.entries(headers)) if (!hopByHop.has(key) && value !== undefined) out[key] = value;
  return out;
}

/** Errors that mean the request never reached a handler, so sending it elsewhere cannot run it twice. */
const retryableCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH']);

/**
 * The local target's reverse proxy on the deployment's port. Each request picks a revision by weight
 * (or by its sticky key), then the backend of that revision with the fewest requests in flight, and is
 * forwarded over keep-alive connections. The table is replaced whole, so a blue-green switch is atomic;
 * a backend taken out of the table keeps serving what it already has (`drained`) before it is stopped.
 * A connection refused or reset before any answer is retried on another backend, so a server that is
 * going away never fails a request.
 */
export async function startTrafficRouter(options: TrafficRouterOptions): Promise<TrafficRouter> {
  const maxBodyBytes = options.maxBodyBytes ?? 64 * 1024 * 1024;
  const maxAttempts = options.maxAttempts ?? 4;
  const stickyHeader = options.stickyHeader?.toLowerCase();
  let table: RouteTable = { groups: [] };
  const counts = new Map<string, number>();
  const agents = new Map<string, Agent>();
  const waiters = new Set<() => void>();

  const metrics = new Registry();
  const requests = new Counter({
    name: 'mlp_deploy_router_requests_total',
    help: 'Requests the deployment router forwarded, by revision, A/B variant and HTTP status',
    labelNames: ['deployment', 'revision', 'variant', 'status'] as const,
    registers: [metrics],
  });
  const duration = new Histogram({
    name: 'mlp_deploy_router_request_duration_seconds',
    help: 'Time from the request to the end of the answer, through the router',
    labelNames: ['deployment', 'revision', 'variant'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [metrics],
  });

  const agentFor = (backend: Backend) => {
    let agent = agents.get(backend.url);
    if (!agent) {
      agent = new Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64 });
      agents.set(backend.url, agent);
    }
    return agent;
  };
  const track = (id: string, delta: number) => {
    const next = (counts.get(id) ?? 0) + delta;
    if (next <= 0) counts.delete(id);
    else counts.set(id, next);
    if (delta < 0) for (const wake of [...waiters]) wake();
  };
  const leastBusy = (group: RouteGroup, avoid: Set<string>): Backend | undefined => {
    let best: Backend | undefined;
    for (const backend of group.backends) {
      if (avoid.has(backend.id)) continue;
      if (!best || (counts.get(backend.id) ?? 0) < (counts.get(best.id) ?? 0)) best = backend;
    }
    return best;
  };

  const answerError = (res: ServerResponse, status: number, message: string) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const body = JSON.stringify({ error: message });
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };

  async function readBody(req: IncomingMessage): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > maxBodyBytes)
        throw new MlpError('INVALID_ARGUMENT', `The request body is larger than ${maxBodyBytes} bytes: send a smaller batch.`);
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks);
  }

  function forward(
    backend: Backend,
    req: IncomingMessage,
    body: Buffer,
    res: ServerResponse,
    group: RouteGroup,
  ): Promise<'done' | { retry: Error }> {
    return new Promise((resolve) => {
      const target = new URL(req.url ?? '/', backend.url);
      const headers = forwardHeaders(req.headers);
      headers['content-length'] = String(body.length);
      headers['x-forwarded-host'] = req.headers.host ?? '';
      const upstream = request(target, { method: req.method, headers, agent: agentFor(backend) }, (answer) => {
        const out = forwardHeaders(answer.headers);
        out['x-mlp-deployment-revision'] = String(group.revision);
        res.writeHead(answer.statusCode ?? 502, out as Record<string, string | string[]>);
        answer.pipe(res);
        answer.once('end', () => resolve('done'));
        answer.once('error', () => {
          res.destroy();
          resolve('done');
        });
        res.once('close', () => {
          if (!answer.complete) answer.destroy();
        });
      });
      upstream.once('error', (error: NodeJS.ErrnoException) => {
        if (!res.headersSent && retryableCodes.has(error.code ?? '')) resolve({ retry: error });
        else {
          answerError(res, 502, `the model server failed while answering: ${error.code ?? error.message}`);
          resolve('done');
        }
      });
      upstream.end(body);
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    if (req.url === '/metrics' && req.method === 'GET') {
      const text = await metrics.metrics();
      res.writeHead(200, { 'content-type': metrics.contentType });
      res.end(text);
      return;
    }
    const started = process.hrtime.bigint();
    let body: Buffer;
    try {
      body = await readBody(req);
    } catch (error) {
      answerError(res, 413, (error as Error).message);
      return;
    }
    const key = stickyHeader ? req.headers[stickyHeader] : undefined;
    const point = typeof key === 'string' && key.length > 0 ? stickyPoint(key) : Math.random();
    const tried = new Set<string>();
    let lastError: Error | undefined;
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      // The table is read per attempt: a retry after a switch goes to the new revision.
      const group = pickGroup(table, point);
      const backend = group && (leastBusy(group, tried) ?? leastBusy(group, new Set()));
      if (!group || !backend) break;
      tried.add(backend.id);
      track(backend.id, 1);
      let outcome: Awaited<ReturnType<typeof forward>>;
      try {
        outcome = await forward(backend, req, body, res, group);
      } finally {
        track(backend.id, -1);
      }
      if (outcome === 'done') {
        const labels = { deployment: options.deployment, revision: String(group.revision), variant: group.variant };
        requests.inc({ ...labels, status: String(res.statusCode) });
        duration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
        return;
      }
      lastError = outcome.retry;
    }
    answerError(
      res,
      503,
      lastError
        ? `no model server of the deployment answered (${(lastError as NodeJS.ErrnoException).code ?? lastError.message}); retry shortly`
        : 'the deployment has no ready model server yet; retry shortly',
    );
  }

  const server = createServer({ keepAlive: true, keepAliveTimeout: 65_000 }, (req, res) => {
    handle(req, res).catch((error: unknown) => answerError(res, 500, `the router failed: ${(error as Error).message}`));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new MlpError(
          error.code === 'EADDRINUSE' ? 'FAILED_PRECONDITION' : 'UNAVAILABLE',
          `The router of deployment '${options.deployment}' cannot listen on port ${options.port ?? 0}: ${error.code ?? error.message}; free the port or pick another with --port.`,
        ),
      ),
    );
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    metrics,
    setTable(next) {
      table = next;
    },
    inflight: (id) => counts.get(id) ?? 0,
    async drained(ids) {
      while (ids.some((id) => (counts.get(id) ?? 0) > 0)) {
        await new Promise<void>((resolve) => {
          const wake = () => {
            waiters.delete(wake);
            resolve();
          };
          waiters.add(wake);
        });
      }
    },
    release(url) {
      if (table.groups.some((group) => group.backends.some((backend) => backend.url === url))) return;
      agents.get(url)?.destroy();
      agents.delete(url);
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      for (const agent of agents.values()) agent.destroy();
    },
    [Symbol.asyncDispose](this: TrafficRouter) {
      return this.close();
    },
  };
}
