import { HttpError } from './http-error.js';
import type { Route } from './route.js';

/** MLflow serves its API under both prefixes; its web UI calls the `ajax-api` one. */
const apiPrefixes = ['/api/2.0/', '/ajax-api/2.0/'];

export type RouteMatch = { route: Route; rest: string };

/** Finds the route for a raw request path: JSON routes by exact path, raw routes by path prefix. */
export function createRouter(routes: readonly Route[]) {
  const exact = new Map<string, Map<string, Route>>();
  const prefixed = new Map<string, Map<string, Route>>();
  for (const route of routes) {
    const table = route.kind === 'json' ? exact : prefixed;
    const methods = table.get(route.path) ?? new Map<string, Route>();
    if (methods.has(route.method)) throw new Error(`Two routes for ${route.method} ${route.path}`);
    methods.set(route.method, route);
    table.set(route.path, methods);
  }

  function candidates(path: string): { methods: Map<string, Route>; rest: string } | undefined {
    const apiPrefix = apiPrefixes.find((prefix) => path.startsWith(prefix));
    if (!apiPrefix) return undefined;
    const inner = path.slice(apiPrefix.length);
    const methods = exact.get(inner);
    if (methods) return { methods, rest: '' };
    for (const [prefix, byMethod] of prefixed) {
      if (inner === prefix) return { methods: byMethod, rest: '' };
      if (inner.startsWith(`${prefix}/`)) return { methods: byMethod, rest: inner.slice(prefix.length + 1) };
    }
    return undefined;
  }

  return {
    /** The route for `method` and the raw `path`; 404 ENDPOINT_NOT_FOUND or 405 when there is none. */
    match(method: string, path: string): RouteMatch {
      const found = candidates(path);
      if (!found) throw new HttpError(404, 'ENDPOINT_NOT_FOUND', 'NOT_FOUND', `No API endpoint at ${path}.`);
      // HEAD is a GET without the body; Node drops the body for HEAD by itself.
      const route = found.methods.get(method === 'HEAD' ? 'GET' : method);
      if (!route) {
        const allowed = [...found.methods.keys()].join(', ');
        throw new HttpError(405, 'ENDPOINT_NOT_FOUND', 'INVALID_ARGUMENT', `${path} does not take ${method}; use ${allowed}.`, {
          allow: allowed,
        });
      }
      return { route, rest: found.rest };
    },
  };
}
