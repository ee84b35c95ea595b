import type { Workspace } from '@mlp/core';
import { type RequestContext, type Route, routeBuilder } from '@mlp/core/http';
import type { TrackingStore } from '@mlp/tracking';

/** What the server hands the MLflow tracking routes, besides the layer's request context. */
export interface TrackingServices {
  workspace: Workspace;
  tracking: TrackingStore;
  /** How long one database statement made for a request may run (the server's statementTimeoutMs). */
  statementTimeoutMs: number;
}

export type RouteContext = TrackingServices & RequestContext;
export type TrackingRoute = Route<TrackingServices>;

export const { json: jsonRoute, raw: rawRoute } = routeBuilder<TrackingServices>();
