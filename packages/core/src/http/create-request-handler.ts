import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logger/logger.js';
import { type createBearerAuth, requireScope } from './bearer-auth.js';
import { assertCleanText } from './clean-text.js';
import { type ErrorResponse, errorResponse } from './error-response.js';
import type { HostCheck } from './host-check.js';
import { queryObject } from './query-object.js';
import { readJsonBody } from './read-json-body.js';
import { JsonStream, sendJson, sendJsonStream } from './respond.js';
import type { ErrorAnswer, RequestContext, Route, RouteMount } from './route.js';
import { createRouter } from './router.js';

export interface RequestHandlerOptions<S> {
  /** Every package's routes, each under its prefixes. */
  mounts: readonly RouteMount<S>[];
  /** What the server hands every handler (stores, the workspace); merged into the request context. */
  services: S;
  logger: Logger;
  auth: ReturnType<typeof createBearerAuth>;
  hostCheck: HostCheck;
  /** The largest JSON body a route takes unless it sets its own `maxBodyBytes`. */
  maxBodyBytes: number;
  /** The last pass over an error message before it leaves (hides the server's folders). */
  redact?: (message: string) => string;
  /**
   * Called once per request when its response closes, with the matched route's template (`runs/get`,
   * `logged-models/:model_id`; null when none matched), so metrics label by route with a bounded set.
   */
  onResponse?: (request: { method: string; route: string | null; status: number; seconds: number }) => void;
}

const maxLoggedUrl = 1000;

/** Splits the raw request target without normalising it (`..` must reach the checks as sent). */
function splitTarget(target: string): [path: string, query: string] {
  const mark = target.indexOf('?');
  return mark === -1 ? [target, ''] : [target.slice(0, mark), target.slice(mark + 1)];
}

/**
 * The one HTTP layer: host and Origin check, bearer auth and the route's scope, routing with path
 * parameters, body limit and JSON checks, zod input, the handler, one error path; logs each request
 * once it ends. A package adds routes (`RouteMount`), never a handler of its own.
 */
export function createRequestHandler<S extends object>(options: RequestHandlerOptions<S>) {
  const { services, logger, auth, hostCheck, maxBodyBytes } = options;
  const redact = options.redact ?? ((message: string) => message);
  const router = createRouter(options.mounts);
  const formatters = errorFormatters(options.mounts);

  async function run(
    req: IncomingMessage,
    res: ServerResponse,
    requestId: string,
    path: string,
    query: string,
    principal: { tokenId?: string | undefined; route?: Route<S> },
    signal: AbortSignal,
  ) {
    // Before anything else, health probes included: a rebinding page must learn nothing.
    const method = req.method ?? 'GET';
    hostCheck.check(method, req.headers);
    let matched: ReturnType<typeof router.match>;
    try {
      matched = router.match(method, path);
    } catch (error) {
      // Without a valid token, a client learns nothing, not even which paths exist: 401 before 404.
      auth.authenticate(req.headers);
      throw error;
    }
    const { route, params } = matched;
    principal.route = route;
    if (route.scope !== 'public') {
      const authenticated = auth.authenticate(req.headers);
      principal.tokenId = authenticated.tokenId;
      requireScope(authenticated, route.scope, `${route.method} /${route.path}`);
    }
    const context: S & RequestContext = {
      ...services,
      requestId,
      ...(principal.tokenId ? { tokenId: principal.tokenId } : {}),
      signal,
      logger,
      params,
    };
    if (route.kind === 'raw') {
      await route.handle(req, res, context, query);
      return;
    }
    const input = route.method === 'GET' ? queryObject(query) : await readJsonBody(req, route.maxBodyBytes ?? maxBodyBytes);
    assertCleanText(input);
    // Path parameters are part of the request message (MLflow's `logged-models/{model_id}`).
    const withParams = Object.keys(params).length > 0 && isRecord(input) ? { ...input, ...params } : input;
    const result = await route.handle(withParams, context);
    if (result instanceof JsonStream) await sendJsonStream(res, result);
    else sendJson(res, 200, result);
  }

  return (req: IncomingMessage, res: ServerResponse): void => {
    const started = process.hrtime.bigint();
    const requestId = randomUUID();
    const [path, query] = splitTarget(req.url ?? '/');
    const principal: { tokenId?: string | undefined; route?: Route<S> } = {};
    // Read now: by the time the response closes, a cut connection has left no socket to ask.
    const remoteAddress = req.socket?.remoteAddress;
    res.setHeader('x-request-id', requestId);
    res.once('close', () => {
      const status = res.statusCode;
      const fields = {
        reqId: requestId,
        req: { method: req.method, url: (req.url ?? '').slice(0, maxLoggedUrl), remoteAddress },
        res: { statusCode: status },
        responseTime: Number(process.hrtime.bigint() - started) / 1e6,
        ...(principal.tokenId ? { token: principal.tokenId } : {}),
      };
      options.onResponse?.({
        method: req.method ?? 'GET',
        route: principal.route ? principal.route.path : null,
        status,
        seconds: fields.responseTime / 1000,
      });
      const message = res.writableFinished ? 'request completed' : 'request aborted';
      if (status >= 500) logger.error(fields, message);
      else logger.info(fields, message);
    });

    // A client that leaves before the answer is complete abandons the request: its queries are cancelled.
    const abandoned = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) abandoned.abort();
    });
    run(req, res, requestId, path, query, principal, abandoned.signal).catch((error: unknown) => {
      const wire = errorResponse(error, requestId);
      wire.body.message = redact(wire.body.message);
      const answer: ErrorAnswer = formatters.format(wire, principal.route, path);
      if (answer.status >= 500) logger.error({ reqId: requestId, err: error }, 'request failed');
      if (res.headersSent) {
        // Too late for an error body (a download failed midway): cut the connection so the client sees it.
        res.destroy(error instanceof Error ? error : undefined);
        return;
      }
      // An unread request body (a refused upload) would otherwise be drained to keep the connection.
      const headers = req.complete ? answer.headers : { ...answer.headers, connection: 'close' };
      sendJson(res, answer.status, answer.body, headers);
    });
  };
}

/** Each mount's error formatter, by route and by prefix (longest first, for paths no route matched). */
function errorFormatters<S>(mounts: readonly RouteMount<S>[]) {
  const byRoute = new Map<Route<S>, NonNullable<RouteMount<S>['formatError']>>();
  const byPrefix: { prefix: string; formatError: RouteMount<S>['formatError'] }[] = [];
  for (const mount of mounts) {
    for (const prefix of mount.prefixes) byPrefix.push({ prefix, formatError: mount.formatError });
    if (mount.formatError) for (const route of mount.routes) byRoute.set(route, mount.formatError);
  }
  byPrefix.sort((a, b) => b.prefix.length - a.prefix.length);
  return {
    format(answer: ErrorResponse, route: Route<S> | undefined, path: string): ErrorAnswer {
      const formatError = route ? byRoute.get(route) : byPrefix.find((entry) => path.startsWith(entry.prefix))?.formatError;
      return formatError ? formatError(answer) : answer;
    },
  };
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
