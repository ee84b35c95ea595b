import { httpProblem, invalidParameter } from './http-problem.js';
import type { Route, RouteMount } from './route.js';

export type RouteMatch<S> = { route: Route<S>; params: Record<string, string> };

type Segment = { literal: string } | { param: string } | { rest: string };

interface Pattern<S> {
  segments: Segment[];
  methods: Map<string, Route<S>>;
}

const paramPattern = /^\{([A-Za-z_][A-Za-z0-9_]*)(\.\.\.)?\}$/;

function parsePattern(path: string): Segment[] {
  const parts = path.split('/');
  return parts.map((part, index) => {
    const param = paramPattern.exec(part);
    if (!param) return { literal: part };
    if (!param[2]) return { param: param[1] as string };
    if (index !== parts.length - 1) throw new Error(`${path}: a {name...} parameter must come last`);
    return { rest: param[1] as string };
  });
}

function decodeSegment(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw invalidParameter(`The path segment ${JSON.stringify(text)} is not valid percent-encoding.`);
  }
}

/** The parameters when `path` (split at '/') fits `segments`, or undefined. */
function matchPattern(segments: Segment[], parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] as Segment;
    if ('rest' in segment) {
      // `a/{rest...}` matches `a` (rest '') and `a/anything/below`.
      params[segment.rest] = parts.slice(i).join('/');
      return params;
    }
    const part = parts[i];
    if (part === undefined) return undefined;
    if ('literal' in segment) {
      if (part !== segment.literal) return undefined;
    } else {
      if (part === '') return undefined;
      params[segment.param] = decodeSegment(part);
    }
  }
  return parts.length === segments.length ? params : undefined;
}

/**
 * Finds the route for a method and raw path. Paths without parameters are looked up in one map;
 * patterns (`logged-models/{model_id}`, `artifacts/{path...}`) are tried in mount order after it, so
 * a fixed path (`logged-models/search`) wins over a parameter in the same place.
 */
export function createRouter<S>(mounts: readonly RouteMount<S>[]) {
  const exact = new Map<string, Map<string, Route<S>>>();
  const patterns: Pattern<S>[] = [];
  const byPattern = new Map<string, Pattern<S>>();

  for (const { prefixes, routes } of mounts) {
    for (const prefix of prefixes) {
      for (const route of routes) {
        const full = `${prefix}${route.path}`;
        const segments = parsePattern(full);
        let methods: Map<string, Route<S>>;
        if (segments.every((segment) => 'literal' in segment)) {
          methods = exact.get(full) ?? new Map();
          exact.set(full, methods);
        } else {
          let pattern = byPattern.get(full);
          if (!pattern) {
            pattern = { segments, methods: new Map() };
            byPattern.set(full, pattern);
            patterns.push(pattern);
          }
          methods = pattern.methods;
        }
        if (methods.has(route.method)) throw new Error(`Two routes for ${route.method} ${full}`);
        methods.set(route.method, route);
      }
    }
  }

  function candidates(path: string): { methods: Map<string, Route<S>>; params: Record<string, string> } | undefined {
    const methods = exact.get(path);
    if (methods) return { methods, params: {} };
    const parts = path.split('/');
    for (const pattern of patterns) {
      const params = matchPattern(pattern.segments, parts);
      if (params) return { methods: pattern.methods, params };
    }
    return undefined;
  }

  return {
    /** The route for `method` and the raw `path`; 404 ENDPOINT_NOT_FOUND or 405 when there is none. */
    match(method: string, path: string): RouteMatch<S> {
      const found = candidates(path);
      if (!found) throw httpProblem('NOT_FOUND', `No API endpoint at ${path}.`, { errorCode: 'ENDPOINT_NOT_FOUND' });
      // HEAD is a GET without the body; Node drops the body for HEAD by itself.
      const route = found.methods.get(method === 'HEAD' ? 'GET' : method);
      if (!route) {
        const allowed = [...found.methods.keys()].join(', ');
        throw httpProblem('INVALID_ARGUMENT', `${path} does not take ${method}; use ${allowed}.`, {
          errorCode: 'ENDPOINT_NOT_FOUND',
          httpStatus: 405,
          httpHeaders: { allow: allowed },
        });
      }
      return { route, params: found.params };
    },
  };
}
