/** The object model of the Kubernetes API stand-in: resources it knows, selectors, patches, Status bodies. */

export interface StandInObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    creationTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: Array<{ apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }>;
    managedFields?: Array<{ manager: string; operation: 'Apply' | 'Update'; apiVersion: string; time: string; fieldsType: 'FieldsV1' }>;
    [key: string]: unknown;
  };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  [key: string]: unknown;
}

/** A resource the stand-in serves (discovery, paths): any group, version and kind, built in or added by a test. */
export interface StandInResource {
  group: string;
  version: string;
  /** The plural, lower-case path segment (`deployments`). */
  resource: string;
  kind: string;
  namespaced: boolean;
  /** Whether it has a `status` subresource (status is then ignored on the main resource's writes). */
  status?: boolean;
}

const r = (group: string, version: string, resource: string, kind: string, namespaced = true, status = true): StandInResource => ({
  group,
  version,
  resource,
  kind,
  namespaced,
  status,
});

/** What a cluster with Argo Rollouts installed serves, as far as mlp's tests need. */
export const builtInStandInResources: StandInResource[] = [
  r('', 'v1', 'namespaces', 'Namespace', false),
  r('', 'v1', 'pods', 'Pod'),
  r('', 'v1', 'services', 'Service'),
  r('', 'v1', 'configmaps', 'ConfigMap', true, false),
  r('', 'v1', 'secrets', 'Secret', true, false),
  r('', 'v1', 'serviceaccounts', 'ServiceAccount', true, false),
  r('apps', 'v1', 'deployments', 'Deployment'),
  r('apps', 'v1', 'replicasets', 'ReplicaSet'),
  r('batch', 'v1', 'jobs', 'Job'),
  r('autoscaling', 'v2', 'horizontalpodautoscalers', 'HorizontalPodAutoscaler'),
  r('policy', 'v1', 'poddisruptionbudgets', 'PodDisruptionBudget'),
  r('argoproj.io', 'v1alpha1', 'rollouts', 'Rollout'),
  r('argoproj.io', 'v1alpha1', 'analysistemplates', 'AnalysisTemplate', true, false),
  r('argoproj.io', 'v1alpha1', 'analysisruns', 'AnalysisRun'),
];

export const groupVersionOf = (resource: StandInResource) => (resource.group ? `${resource.group}/${resource.version}` : resource.version);

/** `jobs.batch`, as the API server names a resource in its messages. */
export const qualifiedName = (resource: StandInResource) => (resource.group ? `${resource.resource}.${resource.group}` : resource.resource);

/** A `Status` body as the real API server sends it with an error. */
export function statusBody(code: number, reason: string, message: string, details?: Record<string, unknown>) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
}

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return structuredClone(patch);
  const result: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

/** Leaf paths of an object (arrays and scalars are leaves: lists are atomic here, a simplification of SSA's list merging). */
export function leafPaths(value: unknown, prefix: string[] = []): string[][] {
  if (!isPlainObject(value) || Object.keys(value).length === 0) return [prefix];
  return Object.entries(value).flatMap(([key, child]) => leafPaths(child, [...prefix, key]));
}

export function getPath(value: unknown, path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (!isPlainObject(current)) return undefined;
    current = current[key];
  }
  return current;
}

export function deletePath(value: Record<string, unknown>, path: string[]): void {
  const parents: Array<Record<string, unknown>> = [];
  let current: unknown = value;
  for (const key of path.slice(0, -1)) {
    if (!isPlainObject(current)) return;
    parents.push(current);
    current = current[key];
  }
  if (!isPlainObject(current)) return;
  delete current[path[path.length - 1]!];
  // Drop parents left empty by the removal.
  for (let i = parents.length - 1; i >= 0; i--) {
    const child = parents[i]![path[i]!];
    if (isPlainObject(child) && Object.keys(child).length === 0) delete parents[i]![path[i]!];
    else break;
  }
}

export const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Whether `labels` match a label selector string (`a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`). */
export function matchesLabelSelector(labels: Record<string, string> | undefined, selector: string): boolean {
  const have = labels ?? {};
  // Split on commas outside parentheses.
  const terms = selector.match(/[^,(]+(\([^)]*\))?/g) ?? [];
  return terms.every((raw) => {
    const term = raw.trim();
    if (term === '') return true;
    const set = /^([^\s!=]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
    if (set) {
      const values = set[3]!.split(',').map((v) => v.trim());
      const present = set[1]! in have && values.includes(have[set[1]!]!);
      return set[2] === 'in' ? present : !present;
    }
    const inequality = /^([^\s!=]+)\s*!=\s*(.*)$/.exec(term);
    if (inequality) return have[inequality[1]!] !== inequality[2]!.trim();
    const equality = /^([^\s!=]+)\s*==?\s*(.*)$/.exec(term);
    if (equality) return have[equality[1]!] === equality[2]!.trim();
    if (term.startsWith('!')) return !(term.slice(1).trim() in have);
    return term in have;
  });
}

/** The part of an object that moves its `generation`: everything but metadata and status. */
export function specPart(object: StandInObject): Record<string, unknown> {
  const { metadata: _metadata, status: _status, apiVersion: _apiVersion, kind: _kind, ...rest } = object;
  return rest;
}

/** `GET /apis`: the groups served, as discovery answers. */
export function apiGroupList(resources: StandInResource[]) {
  const groups = [...new Set(resources.filter((x) => x.group).map((x) => x.group))];
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: groups.map((name) => {
      const versions = [...new Set(resources.filter((x) => x.group === name).map((x) => x.version))].map((version) => ({
        groupVersion: `${name}/${version}`,
        version,
      }));
      return { name, versions, preferredVersion: versions[0] };
    }),
  };
}

/** `GET /api/v1` or `/apis/GROUP/VERSION`: the resources of a group version, with their status subresources. */
export function apiResourceList(served: StandInResource[], group: string, version: string) {
  const verbs = ['create', 'delete', 'get', 'list', 'patch', 'update'];
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources: served.flatMap((x) => [
      { name: x.resource, singularName: x.kind.toLowerCase(), namespaced: x.namespaced, kind: x.kind, verbs },
      ...(x.status
        ? [{ name: `${x.resource}/status`, singularName: '', namespaced: x.namespaced, kind: x.kind, verbs: ['get', 'patch', 'update'] }]
        : []),
    ]),
  };
}
