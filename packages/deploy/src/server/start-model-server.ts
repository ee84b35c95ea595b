import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSilentLogger, type Logger, MlpError, type OnlineFeatureReader, type Workspace } from '@mlp/core';
import { createBearerAuth, createHostCheck, createRequestHandler, type RouteMount } from '@mlp/core/http';
import type { Registry } from 'prom-client';
import { createFeatureEnrichment, type FeatureEnrichment, type FeatureEnrichmentSpecInput } from '../enrichment/feature-enrichment.js';
import { invocationsRoutes } from '../records/invocations-route.js';
import { createPackageRecordsModels, type PackageRecordsModels } from '../records/package-records-models.js';
import type { BatcherOptions } from './dynamic-batcher.js';
import { pathHider } from './hide-paths.js';
import { createMetricsRoute } from './metrics-route.js';
import { ModelRepository } from './model-repository.js';
import { type ModelSourceSpec, workspaceRegistry } from './model-source.js';
import { createOipRoutes, type ModelServerServices } from './oip-routes.js';
import type { PredictionSink } from './prediction-entry.js';
import { trackRequests } from './request-metrics.js';
import type { CrashRestartOptions, ModelServingOptions, ServedModel } from './served-model.js';
import { createServerMetrics, type ServerMetrics } from './server-metrics.js';
import { serverVersion } from './server-version.js';

/** A model to serve: a source string (`NAME=SOURCE` names it) or the source with its own name, version and options. */
export type ModelEntry = string | (ModelSourceSpec & ModelServingOptions);

export interface ModelServerOptions {
  /** What to serve; each a source string (`NAME=` in front names it) or `{ source, name, version, batching, threads }`. */
  models: readonly ModelEntry[];
  /** 127.0.0.1 by default. */
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Needed for `models:/` sources (the registry is opened on it). */
  workspace?: Workspace;
  /** Dynamic batching defaults for every model; `false` runs each request alone. */
  batching?: Partial<BatcherOptions> | false;
  /** onnxruntime intra-op threads per model; half the CPUs by default. */
  threads?: number;
  /** Run each ONNX model in its own worker thread (the default); `false` runs it on the HTTP thread. */
  worker?: boolean;
  /** The largest request body; 64 MiB by default. */
  maxBodyBytes?: number;
  /** Host names clients reach the server by besides its address (`'*'` for any, behind a Kubernetes Service). */
  allowedHosts?: readonly string[];
  /** How long `close` waits for requests in flight; 30 s by default. */
  drainTimeoutMs?: number;
  /** Called after each successful inference with the prediction; must not block (the prediction log). */
  onPrediction?: PredictionSink;
  /** The deployment the server runs under (the prediction log records it). */
  deployment?: string;
  /** How a model whose worker thread crashed is restarted (5 restarts within 10 minutes, with backoff, by default). */
  crashRestarts?: CrashRestartOptions;
  /**
   * MLflow's scoring protocol (`/invocations`, `/models/{name}/invocations`) for model packages:
   * records in, the package's preprocessing applied in the server. On by default.
   */
  records?: boolean;
  /**
   * Request enrichment: the feature view's latest values, read through `reader` (core's
   * `OnlineFeatureReader`, provided by `@mlp/features`) by each row's entity key, merged into records
   * and OIP inputs before scoring.
   */
  features?: FeatureEnrichmentSpecInput & { reader: OnlineFeatureReader };
  /** More routes on the same server (`/invocations`), given the server's services. */
  mounts?: (services: ModelServerServices) => RouteMount<ModelServerServices>[];
  logger?: Logger;
}

export interface ModelServer {
  readonly url: string;
  readonly port: number;
  readonly repository: ModelServerServices['repository'];
  /** The server's Prometheus registry (what `/metrics` serves). */
  readonly metrics: ServerMetrics;
  readonly registry: Registry;
  /** Requests being answered now. */
  readonly inflight: number;
  /** Not ready from now on (`/v2/health/ready` answers 503), requests still served: the start of a graceful shutdown. */
  drain(): void;
  /** Drains, waits for requests in flight (up to `drainTimeoutMs`), closes connections and unloads every model. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

async function listen(server: Server, host: string, port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE')
        reject(
          new MlpError('UNAVAILABLE', `Port ${port} on ${host} is in use: stop what holds it or pick another port (0 picks a free one).`),
        );
      else if (error.code === 'EACCES')
        reject(new MlpError('PERMISSION_DENIED', `Not allowed to listen on ${host}:${port}: use a port above 1023.`));
      else reject(error);
    });
    server.listen({ host, port }, resolve);
  });
}

/** `/invocations` over the server's model packages: by name, or the only model when none is named. */
function recordsRoutes(
  repository: ModelRepository,
  records: PackageRecordsModels,
  options: ModelServerOptions,
  enrichment: FeatureEnrichment | undefined,
) {
  return invocationsRoutes<ModelServerServices>({
    model: (name) => {
      if (name !== undefined) return records.get(repository.get(name));
      const all = repository.list();
      if (all.length !== 1)
        throw new MlpError(
          'INVALID_ARGUMENT',
          `This server serves ${all.length} models: POST to /models/{name}/invocations (${all.map((model) => model.name).join(', ')}).`,
        );
      return records.get(all[0] as ServedModel);
    },
    ...(options.onPrediction ? { onPrediction: options.onPrediction } : {}),
    ...(options.deployment ? { deployment: options.deployment } : {}),
    ...(options.maxBodyBytes ? { maxBodyBytes: options.maxBodyBytes } : {}),
    ...(enrichment ? { enrich: (rows, columns) => enrichment.enrichRecords(rows, columns) } : {}),
  });
}

/**
 * Starts an Open Inference Protocol (KServe v2) server for `models` and resolves once it listens and
 * every model has loaded and warmed up (or failed: such a model stays UNAVAILABLE with the reason
 * in its metadata, and the server stays up). `/metrics` serves Prometheus metrics.
 */
export async function startModelServer(options: ModelServerOptions): Promise<ModelServer> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new MlpError('INVALID_ARGUMENT', `port must be a whole number from 0 to 65535, got ${port}.`);
  if (options.models.length === 0) throw new MlpError('INVALID_ARGUMENT', 'Give at least one model to serve.');
  const logger = (options.logger ?? options.workspace?.logger ?? createSilentLogger()).child({ component: 'mlp-serve' });
  const metrics = createServerMetrics();
  const registry = options.workspace ? workspaceRegistry(options.workspace) : undefined;
  const hide = pathHider(options.workspace ? [options.workspace.config.dir] : []);
  const records =
    options.records === false
      ? undefined
      : createPackageRecordsModels({ onBatch: (model, rows) => metrics.batchSize.observe({ model }, rows) });
  const repository = new ModelRepository({
    logger,
    metrics,
    openRegistry: registry?.open,
    hidePaths: hide,
    ...(options.crashRestarts ? { crashRestarts: options.crashRestarts } : {}),
    ...(records
      ? {
          onReady: async (model) => {
            if (model.packageDir) await records.warm(model);
          },
          onRelease: (packageDir) => records.evict(packageDir),
        }
      : {}),
  });
  const { reader: featureReader, ...featureSpec } = options.features ?? { reader: undefined };
  const enrichment = featureReader ? createFeatureEnrichment(featureReader, featureSpec as FeatureEnrichmentSpecInput) : undefined;
  let draining = false;
  const maxBodyBytes = options.maxBodyBytes ?? 64 * 1024 * 1024;
  const services: ModelServerServices = {
    repository,
    maxBodyBytes,
    server: { name: 'mlp', version: serverVersion, draining: () => draining },
    onPrediction: options.onPrediction,
    deployment: options.deployment,
    enrichment,
  };
  const mounts = [
    createOipRoutes(),
    createMetricsRoute(metrics.registry) as RouteMount<ModelServerServices>,
    ...(records ? [{ prefixes: ['/'], routes: recordsRoutes(repository, records, options, enrichment) }] : []),
    ...(options.mounts?.(services) ?? []),
  ];
  const handle = createRequestHandler({
    mounts,
    services,
    logger,
    auth: createBearerAuth(undefined),
    hostCheck: createHostCheck(host, options.allowedHosts ?? []),
    maxBodyBytes,
    redact: hide,
  });
  const requests = trackRequests(metrics, repository);
  const server = createServer({ keepAliveTimeout: 65_000 }, (req: IncomingMessage, res: ServerResponse) => {
    requests.track(req, res);
    handle(req, res);
  });
  server.requestTimeout = 0;
  await listen(server, host, port);
  const address = server.address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  logger.info({ url }, 'model server listening; loading models');

  const close = async () => {
    draining = true;
    const drainTimeoutMs = options.drainTimeoutMs ?? 30_000;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Keep-alive connections would hold `close` open: idle ones now, busy ones once their answer is out.
    server.closeIdleConnections();
    const idleSweep = setInterval(() => server.closeIdleConnections(), 50);
    const force = setTimeout(() => server.closeAllConnections(), drainTimeoutMs);
    force.unref();
    await closed;
    clearInterval(idleSweep);
    clearTimeout(force);
    await repository.close();
    await records?.close();
    await registry?.close();
  };

  try {
    for (const entry of options.models) {
      const own: ModelServingOptions = typeof entry === 'object' ? entry : {};
      const batching =
        own.batching === false || options.batching === false ? false : { ...(options.batching ?? {}), ...(own.batching ?? {}) };
      const threads = own.threads ?? options.threads;
      const worker = own.worker ?? options.worker;
      await repository.add(entry, { batching, ...(threads !== undefined ? { threads } : {}), ...(worker !== undefined ? { worker } : {}) });
    }
  } catch (error) {
    await close();
    throw error;
  }

  return {
    url,
    port: address.port,
    repository,
    metrics,
    registry: metrics.registry,
    get inflight() {
      return requests.inflight;
    },
    drain() {
      draining = true;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
