import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger, Workspace } from '@mlp/core';
import type { TrackingStore } from '@mlp/tracking';
import type { z } from 'zod';
import { parseRequest } from '../mlflow/request-fields.js';
import type { Scope } from './bearer-auth.js';
import type { JsonStream } from './respond.js';

/** What every handler gets besides its input. */
export interface RouteContext {
  workspace: Workspace;
  tracking: TrackingStore;
  logger: Logger;
  requestId: string;
  /** The bearer token's id when the request carried one: who did it, for audit logs. */
  tokenId?: string;
  /** Aborts when the client goes away before the answer is sent: expensive queries stop with it. */
  signal: AbortSignal;
  /** How long one database statement made for a request may run (the server's statementTimeoutMs). */
  statementTimeoutMs: number;
}

/** A route whose input is a JSON body (POST) or a query string (GET) and whose answer is JSON. */
export interface JsonRoute {
  kind: 'json';
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** After the API prefix: `mlflow/runs/create`. */
  path: string;
  scope: Scope;
  handle(input: unknown, context: RouteContext): Promise<unknown>;
}

/** A route that reads or writes the raw request and response (artifact bytes). `rest` is the path after `path`. */
export interface RawRoute {
  kind: 'raw';
  method: 'GET' | 'PUT' | 'DELETE';
  path: string;
  scope: Scope;
  handle(req: IncomingMessage, res: ServerResponse, context: RouteContext, rest: string, query: string): Promise<void>;
}

export type Route = JsonRoute | RawRoute;

/** Defines a JSON route whose input is parsed and checked against an MLflow request message schema. */
export function jsonRoute<T extends z.ZodType>(
  method: JsonRoute['method'],
  path: string,
  scope: Scope,
  schema: T,
  handle: (input: z.output<T>, context: RouteContext) => Promise<object | JsonStream>,
): JsonRoute {
  return { kind: 'json', method, path, scope, handle: (input, context) => handle(parseRequest(schema, input), context) };
}
