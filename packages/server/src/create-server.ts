import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type DatasetBrowser,
  type DeploymentControl,
  type Logger,
  MlpError,
  type MonitorAlertReader,
  type ValidationResultsReader,
  type Workspace,
} from '@mlp/core';
import { createBearerAuth, createHostCheck, createRequestHandler, type Route, type RouteMount } from '@mlp/core/http';
import type { Registry } from '@mlp/registry';
import { createRegistryRoutes } from '@mlp/registry/server';
import type { TrackingStore } from '@mlp/tracking';
import { z } from 'zod';
import { healthRoute } from './health-route.js';
import { hideServerPaths, serverPathsOf } from './http/server-paths.js';
import { createMetricsRoute } from './metrics/metrics-route.js';
import { createServerMetrics } from './metrics/server-metrics.js';
import { artifactRoutes } from './mlflow/artifact-routes.js';
import { experimentRoutes } from './mlflow/experiment-routes.js';
import { loggedModelRoutes } from './mlflow/logged-model-routes.js';
import { loggingRoutes } from './mlflow/logging-routes.js';
import { runRoutes } from './mlflow/run-routes.js';
import type { TrackingServices } from './mlflow/tracking-route.js';
import { sectionRoutes } from './ui/sections/section-routes.js';
import type { UiSources } from './ui/sections/ui-sources.js';
import { createStaticRoutes, findUiAssets } from './ui/static-routes.js';
import { uiPagesFor } from './ui/ui-pages.js';
import { createUiRoutes } from './ui/ui-routes.js';

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

export const serverTokenSchema = z.object({
  token: z.string().regex(/^\S{16,}$/, 'a token must be at least 16 characters, without spaces'),
  scopes: z.union([z.tuple([z.literal('read')]), z.tuple([z.literal('read'), z.literal('write')])]),
});

export const serverOptionsSchema = z.object({
  workspace: z.custom<Workspace>(
    (value) => isObject(value) && isObject(value.blobs) && isObject(value.logger),
    'must be an open mlp workspace',
  ),
  tracking: z.custom<TrackingStore>((value) => isObject(value) && typeof value.getRun === 'function', 'must be a TrackingStore'),
  /** Serves MLflow's model-registry routes over it when given. */
  registry: z.custom<Registry>((value) => isObject(value) && typeof value.promote === 'function', 'must be a Registry').optional(),
  /** Pipeline routes (`openPipelineService(workspace).routes` of `@mlp/orchestrate/server`), served under `/api/2.0/mlp/pipelines/`. */
  pipelineRoutes: z.custom<Route[]>((value) => Array.isArray(value), 'must be a list of routes').optional(),
  /** Online feature routes (`openFeatureService(workspace).routes` of `@mlp/features/server`), served under `/api/2.0/mlp/features/`. */
  featureRoutes: z.custom<Route[]>((value) => Array.isArray(value), 'must be a list of routes').optional(),
  /** More metrics for `/metrics` in Prometheus' text format (the monitor's drift gauges), after the server's own. */
  metricsText: z.array(z.custom<() => Promise<string>>((value) => typeof value === 'function', 'must be a function')).default([]),
  /** The dataset catalog (`@mlp/data-version`, core's DatasetBrowser): the UI's datasets pages. */
  datasets: z
    .custom<DatasetBrowser>((value) => isObject(value) && typeof value.listDatasets === 'function', 'must be a DatasetBrowser')
    .optional(),
  /** Stored validation results and reports (`@mlp/validate`), shown on the datasets pages. */
  validations: z
    .custom<ValidationResultsReader>((value) => isObject(value) && typeof value.report === 'function', 'must be a ValidationResultsReader')
    .optional(),
  /** Monitor alerts (`@mlp/monitor`): the UI's monitoring page. */
  alerts: z
    .custom<MonitorAlertReader>((value) => isObject(value) && typeof value.list === 'function', 'must be a MonitorAlertReader')
    .optional(),
  /** Deployments (`@mlp/deploy`): the UI's deployments pages and their rollback action. */
  deployments: z
    .custom<DeploymentControl>((value) => isObject(value) && typeof value.rollback === 'function', 'must be a DeploymentControl')
    .optional(),
  /** Without tokens anyone who can reach the server may read and write: bind to 127.0.0.1 then. */
  tokens: z.array(serverTokenSchema).optional(),
  /**
   * Host names the server answers to besides its listen address and, on loopback, `localhost`:
   * `name`, or `.name` for it and every name under it; `'*'` turns the check off (behind a proxy
   * that checks Host). Other Host headers, and other Origins on writes, get 403 (DNS rebinding).
   */
  allowedHosts: z.array(z.string().regex(/^(\*|\.?[a-zA-Z0-9_.:[\]-]+)$/, 'must be a host name, .domain or *')).default([]),
  /** The largest JSON request body; artifact uploads stream and are not limited by it. */
  maxBodyBytes: z
    .number()
    .int()
    .positive()
    .default(16 * 1024 * 1024),
  /** How long a search's database statement may run before the database cancels it (503). */
  statementTimeoutMs: z.number().int().positive().default(30_000),
  /** Access and error logs (pino's shape); the workspace logger by default. */
  logger: z.custom<Logger>((value) => isObject(value) && typeof value.info === 'function', 'must be a logger').optional(),
});

export type ServerOptions = z.input<typeof serverOptionsSchema>;
export type ServerToken = z.infer<typeof serverTokenSchema>;

export interface ListenOptions {
  /** 127.0.0.1 by default: reachable from this machine only. */
  host?: string;
  /** 5000 by default, as `mlflow server`; 0 picks a free port. */
  port?: number;
}

export interface MlpServer {
  /** Starts listening; resolves with the base URL (`http://127.0.0.1:5000`). */
  listen(options?: ListenOptions): Promise<string>;
  /** Stops accepting connections, lets requests in flight finish (briefly), and resolves when all are closed. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
  /** The base URL; FAILED_PRECONDITION before `listen`. */
  readonly url: string;
}

const trackingRoutes = [...experimentRoutes, ...runRoutes, ...loggingRoutes, ...loggedModelRoutes, ...artifactRoutes];
/** MLflow serves its API under both prefixes; its web UI calls the `ajax-api` one. */
const mlflowPrefixes = ['/api/2.0/', '/ajax-api/2.0/'];
/** How long `close` waits for requests in flight before cutting their connections. */
const closeGraceMs = 5000;

/** Every route the server answers, each package's under its prefixes. */
function serverMounts(
  registry: Registry | undefined,
  pipelineRoutes: Route[] | undefined,
  ui: UiSources,
  redact: (text: string) => string,
): RouteMount<TrackingServices>[] {
  const pages = uiPagesFor({
    registry: Boolean(registry),
    pipelines: Boolean(pipelineRoutes),
    datasets: Boolean(ui.datasets),
    deployments: Boolean(ui.deployments),
    monitoring: Boolean(ui.alerts),
  });
  return [
    { prefixes: ['/'], routes: [healthRoute] },
    { prefixes: mlflowPrefixes, routes: trackingRoutes },
    ...(registry ? [{ prefixes: mlflowPrefixes, routes: createRegistryRoutes(registry) }] : []),
    // mlp's own API (not MLflow's): under /api/2.0/ only.
    ...(pipelineRoutes ? [{ prefixes: ['/api/2.0/'], routes: pipelineRoutes }] : []),
    // The web UI: its JSON API under /api/ui/, its pages and assets at /.
    { prefixes: ['/api/'], routes: [...createUiRoutes(pages), ...sectionRoutes(ui, redact)] },
    { prefixes: ['/'], routes: createStaticRoutes(findUiAssets()) },
  ];
}

function formatUrl(address: AddressInfo): string {
  const host = address.family === 'IPv6' || address.address.includes(':') ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

/** The mlp HTTP server: MLflow's tracking REST API and artifact proxy over a TrackingStore and the workspace blobs. */
export function createServer(options: ServerOptions): MlpServer {
  const parsed = serverOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new MlpError('INVALID_ARGUMENT', `Invalid server options: ${issue?.path.join('.') || 'options'} ${issue?.message ?? ''}`.trim());
  }
  const { workspace, tracking, registry, pipelineRoutes, tokens, maxBodyBytes, allowedHosts, statementTimeoutMs } = parsed.data;
  const { datasets, validations, alerts, deployments } = parsed.data;
  const logger = (parsed.data.logger ?? workspace.logger).child({ component: 'mlp-server' });
  const auth = createBearerAuth(tokens);
  const serverPaths = serverPathsOf(workspace);
  const redact = (message: string) => hideServerPaths(message, serverPaths);
  const ui: UiSources = { registry, datasets, validations, alerts, deployments, pipelines: Boolean(pipelineRoutes) };
  const { featureRoutes } = parsed.data;
  // Process metrics and requests by route template, plus the packages' own (GET /metrics, no token).
  const metrics = createServerMetrics();
  const mounts = [
    { prefixes: ['/'], routes: [createMetricsRoute(metrics, parsed.data.metricsText)] },
    ...(featureRoutes ? [{ prefixes: ['/api/2.0/'], routes: featureRoutes }] : []),
    ...serverMounts(registry, pipelineRoutes, ui, redact),
  ];

  let server: Server | undefined;
  let url: string | undefined;

  return {
    get url() {
      if (!url) throw new MlpError('FAILED_PRECONDITION', 'The server is not listening yet: call listen() first.');
      return url;
    },

    async listen({ host = '127.0.0.1', port = 5000 } = {}) {
      if (server) throw new MlpError('FAILED_PRECONDITION', 'The server is already listening; close() it first.');
      // The host check needs the listen address, so each listen gets its handler.
      const hostCheck = createHostCheck(host, allowedHosts);
      const created = createHttpServer(
        createRequestHandler({
          mounts,
          services: { workspace, tracking, statementTimeoutMs },
          logger,
          maxBodyBytes,
          auth,
          hostCheck,
          redact,
          onResponse: metrics.observe,
        }),
      );
      // Uploads may take long: no limit on a whole request, but an idle socket is dropped after 2 minutes.
      created.requestTimeout = 0;
      created.timeout = 120_000;
      await new Promise<void>((resolve, reject) => {
        created.once('error', (error: NodeJS.ErrnoException) => {
          if (error.code === 'EADDRINUSE')
            reject(
              new MlpError('UNAVAILABLE', `Port ${port} on ${host} is in use: stop what holds it or pick another port.`, { cause: error }),
            );
          else if (error.code === 'EACCES')
            reject(new MlpError('PERMISSION_DENIED', `Not allowed to listen on ${host}:${port}: use a port above 1023.`, { cause: error }));
          else reject(error);
        });
        created.listen({ host, port }, resolve);
      });
      server = created;
      url = formatUrl(created.address() as AddressInfo);
      logger.info({ url, auth: tokens && tokens.length > 0 ? 'bearer' : 'none' }, 'mlp server listening');
      return url;
    },

    async close() {
      const closing = server;
      if (!closing) return;
      server = undefined;
      url = undefined;
      const done = new Promise<void>((resolve) => closing.close(() => resolve()));
      closing.closeIdleConnections();
      const force = setTimeout(() => closing.closeAllConnections(), closeGraceMs);
      force.unref();
      await done;
      clearTimeout(force);
    },
    [Symbol.asyncDispose](this: MlpServer) {
      return this.close();
    },
  };
}
