import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger, Workspace } from '@mlp/core';
import type { TrackingStore } from '@mlp/tracking';
import { databaseProblem } from '../database-health.js';
import { type createBearerAuth, requireScope } from './bearer-auth.js';
import { assertCleanText } from './clean-text.js';
import type { HostCheck } from './host-check.js';
import { toMlflowError } from './mlflow-errors.js';
import { queryObject } from './query-object.js';
import { readJsonBody } from './read-json-body.js';
import { JsonStream, sendJson, sendJsonStream } from './respond.js';
import type { RouteContext } from './route.js';
import type { createRouter } from './router.js';
import { hideServerPaths, serverPathsOf } from './server-paths.js';

export interface RequestHandlerOptions {
  workspace: Workspace;
  tracking: TrackingStore;
  logger: Logger;
  auth: ReturnType<typeof createBearerAuth>;
  router: ReturnType<typeof createRouter>;
  maxBodyBytes: number;
  hostCheck: HostCheck;
  /** The statement timeout of queries made for a request (searches). */
  statementTimeoutMs: number;
}

const maxLoggedUrl = 1000;

/** Splits the raw request target without normalising it (`..` must reach the checks as sent). */
function splitTarget(target: string): [path: string, query: string] {
  const mark = target.indexOf('?');
  return mark === -1 ? [target, ''] : [target.slice(0, mark), target.slice(mark + 1)];
}

/** Runs one request: host check, auth, routing, input, handler, MLflow error body; logs it once it ends. */
export function createRequestHandler(options: RequestHandlerOptions) {
  const { workspace, tracking, logger, auth, router, maxBodyBytes, hostCheck, statementTimeoutMs } = options;
  const serverPaths = serverPathsOf(workspace);

  async function run(
    req: IncomingMessage,
    res: ServerResponse,
    requestId: string,
    path: string,
    query: string,
    principal: { tokenId?: string | undefined },
    signal: AbortSignal,
  ) {
    // Before anything else, /health included: a rebinding page must learn nothing.
    hostCheck.check(req.method ?? 'GET', req.headers);
    if (path === '/health' && (req.method === 'GET' || req.method === 'HEAD')) {
      const problem = await databaseProblem(workspace.db);
      res.writeHead(problem ? 503 : 200, { 'content-type': 'text/plain' });
      res.end(problem ? `UNAVAILABLE: ${problem}` : 'OK');
      return;
    }
    const authenticated = auth.authenticate(req.headers);
    principal.tokenId = authenticated.tokenId;
    const { route, rest } = router.match(req.method ?? 'GET', path);
    requireScope(authenticated, route.scope, `${route.method} /${route.path}`);
    const context: RouteContext = {
      workspace,
      tracking,
      logger,
      requestId,
      ...(authenticated.tokenId ? { tokenId: authenticated.tokenId } : {}),
      signal,
      statementTimeoutMs,
    };
    if (route.kind === 'raw') {
      await route.handle(req, res, context, rest, query);
      return;
    }
    const input = route.method === 'GET' ? queryObject(query) : await readJsonBody(req, maxBodyBytes);
    assertCleanText(input);
    const result = await route.handle(input, context);
    if (result instanceof JsonStream) await sendJsonStream(res, result);
    else sendJson(res, 200, result);
  }

  return (req: IncomingMessage, res: ServerResponse): void => {
    const started = process.hrtime.bigint();
    const requestId = randomUUID();
    const [path, query] = splitTarget(req.url ?? '/');
    const principal: { tokenId?: string | undefined } = {};
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
      const answer = toMlflowError(error, requestId);
      answer.body.message = hideServerPaths(answer.body.message, serverPaths);
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
