import type { Workspace } from '@mlp/core';
import type { Route } from '@mlp/core/http';
import { type OnlineFeatures, type OnlineFeaturesOptions, openOnlineFeatures } from '../serve/online-features.js';
import { createFeatureRoutes } from './feature-routes.js';

export interface FeatureService {
  /** The routes `mlp server` mounts under `/api/2.0/`. */
  readonly routes: Route[];
  readonly online: OnlineFeatures;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * What `mlp server` serves of the feature store: online reads over HTTP, from the online store the
 * workspace is configured for. Opening connects to nothing: an unreachable Redis fails the requests
 * (503), not the server.
 */
export async function openFeatureService(workspace: Workspace, options: OnlineFeaturesOptions = {}): Promise<FeatureService> {
  const online = await openOnlineFeatures(workspace, options);
  return {
    routes: createFeatureRoutes(online),
    online,
    close: () => online.close(),
    [Symbol.asyncDispose]: () => online.close(),
  };
}
