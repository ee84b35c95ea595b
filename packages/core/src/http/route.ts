import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import type { Logger } from '../logger/logger.js';
import type { Scope } from './bearer-auth.js';
import type { ErrorResponse } from './error-response.js';
import { parseRequest } from './request-fields.js';
import type { JsonStream } from './respond.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What a request needs its bearer token to allow; `public` routes (health probes) need no token at all. */
export type RouteScope = Scope | 'public';

/** What every handler gets from the layer, besides the services its package passes in (`S`). */
export interface RequestContext {
  requestId: string;
  /** The bearer token's id when the request carried one: who did it, for audit logs. */
  tokenId?: string;
  /** Aborts when the client goes away before the answer is sent: expensive queries stop with it. */
  signal: AbortSignal;
  logger: Logger;
  /** The path parameters: `{name}` percent-decoded, a final `{rest...}` as sent (decode and check it yourself). */
  params: Readonly<Record<string, string>>;
}

/**
 * A route whose input is the query string (GET) or a JSON body (every other method), with the path
 * parameters merged in, and whose answer is JSON. The layer reads and limits the body, checks the
 * text, and turns whatever `handle` throws into the error response.
 */
export interface JsonRoute<S = object> {
  kind: 'json';
  method: HttpMethod;
  /** Relative to the mount prefix: `mlflow/runs/create`, `mlflow/logged-models/{model_id}`. */
  path: string;
  scope: RouteScope;
  /** Overrides the server's JSON body limit for this route. */
  maxBodyBytes?: number;
  handle(input: unknown, context: S & RequestContext): Promise<unknown>;
}

/** A route that reads or writes the raw request and response (streamed artifact bytes); `query` is the raw query string. */
export interface RawRoute<S = object> {
  kind: 'raw';
  method: HttpMethod;
  path: string;
  scope: RouteScope;
  handle(req: IncomingMessage, res: ServerResponse, context: S & RequestContext, query: string): Promise<void>;
}

export type Route<S = object> = JsonRoute<S> | RawRoute<S>;

/** An error as it goes out: status, headers and the body the client reads. */
export interface ErrorAnswer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** Routes mounted under each of `prefixes` (MLflow serves its API under `/api/2.0/` and `/ajax-api/2.0/`). */
export interface RouteMount<S = object> {
  prefixes: readonly string[];
  routes: readonly Route<S>[];
  /**
   * Reshapes this mount's errors for its protocol (the Open Inference Protocol's `{"error": "..."}`);
   * MLflow's body by default. It gets the answer after redaction; errors on paths no route matches
   * use the formatter of the mount with the longest prefix of the path.
   */
  formatError?: (answer: ErrorResponse) => ErrorAnswer;
}

/** Defines a JSON route whose input (query or body, and path parameters) is parsed with a zod schema. */
export function jsonRoute<S, T extends z.ZodType>(
  method: HttpMethod,
  path: string,
  scope: RouteScope,
  schema: T,
  handle: (input: z.output<T>, context: S & RequestContext) => Promise<object | JsonStream>,
  options: { maxBodyBytes?: number } = {},
): JsonRoute<S> {
  return { kind: 'json', method, path, scope, ...options, handle: (input, context) => handle(parseRequest(schema, input), context) };
}

/** `jsonRoute` and raw routes bound to a package's services type, so handlers need no annotations. */
export function routeBuilder<S>() {
  return {
    json: <T extends z.ZodType>(
      method: HttpMethod,
      path: string,
      scope: RouteScope,
      schema: T,
      handle: (input: z.output<T>, context: S & RequestContext) => Promise<object | JsonStream>,
      options: { maxBodyBytes?: number } = {},
    ): JsonRoute<S> => jsonRoute<S, T>(method, path, scope, schema, handle, options),
    raw: (method: HttpMethod, path: string, scope: RouteScope, handle: RawRoute<S>['handle']): RawRoute<S> => ({
      kind: 'raw',
      method,
      path,
      scope,
      handle,
    }),
  };
}
