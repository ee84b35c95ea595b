import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { appliedPaths, type FieldOwners, serverSideApply } from './kubernetes-stand-in-apply.js';
import {
  apiGroupList,
  apiResourceList,
  builtInStandInResources,
  groupVersionOf,
  leafPaths,
  matchesLabelSelector,
  mergePatch,
  qualifiedName,
  type StandInObject,
  type StandInResource,
  sameJson,
  specPart,
  statusBody,
} from './kubernetes-stand-in-objects.js';

export type { StandInObject, StandInResource } from './kubernetes-stand-in-objects.js';

export interface KubernetesApiStandInOptions {
  /** Resources besides the built-in ones (core, apps, batch, autoscaling/v2, policy, Argo Rollouts). */
  resources?: StandInResource[];
  /** The bearer token clients must send (a fresh random one by default). */
  token?: string;
}

/** One request the stand-in answered, for tests that check what a client sent. */
export interface StandInRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType?: string;
  status: number;
}

/** A change, as a watch would report it: what simulated controllers (a kubelet, Argo Rollouts) react to. */
export interface StandInEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: StandInObject;
}

/**
 * A loopback stand-in of the Kubernetes API server, generic over resources: objects are stored by
 * group, version, resource, namespace and name; it serves discovery, GET (one, or a list filtered by
 * `labelSelector`), POST, PUT (with resourceVersion checks), PATCH (server-side apply with field
 * managers and conflicts, JSON merge patch), DELETE with `propagationPolicy` (owner-reference garbage
 * collection) and `status` subresources, bumping `resourceVersion` and `generation` as the real one
 * does and answering errors with its `Status` objects. No controllers run: a test simulates them with
 * `onEvent` and `setStatus`. Simplifications: bodies are JSON (which YAML apply patches may be), lists
 * are atomic under apply, and strategic merge patches are applied as JSON merge patches.
 */
export interface KubernetesApiStandIn {
  readonly url: string;
  readonly token: string;
  readonly requests: StandInRequest[];
  /** A kubeconfig (JSON, which is YAML) whose current context points here with the token. */
  kubeconfig(namespace?: string): string;
  get(apiVersion: string, kind: string, namespace: string | undefined, name: string): StandInObject | undefined;
  list(apiVersion: string, kind: string, namespace?: string): StandInObject[];
  /** Writes an object's status as a controller does (resourceVersion bumped, an event emitted). */
  setStatus(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    name: string,
    status: Record<string, unknown> | ((object: StandInObject) => Record<string, unknown>),
  ): StandInObject;
  /** Calls `listener` after each change (asynchronously, as a watch delivers); returns the unsubscribe. */
  onEvent(listener: (event: StandInEvent) => void | Promise<void>): () => void;
  /** Errors thrown by event listeners (a test can assert none happened). */
  readonly listenerErrors: unknown[];
  close(): Promise<void>;
}

class HttpFailure extends Error {
  constructor(readonly body: ReturnType<typeof statusBody>) {
    super(body.message);
  }
}

const fail = (code: number, reason: string, message: string, details?: Record<string, unknown>): never => {
  throw new HttpFailure(statusBody(code, reason, message, details));
};

export async function startKubernetesApiStandIn(options: KubernetesApiStandInOptions = {}): Promise<KubernetesApiStandIn> {
  const resources = [...builtInStandInResources, ...(options.resources ?? [])];
  const token = options.token ?? randomUUID();
  const objects = new Map<string, StandInObject>();
  /** Owned leaf paths per object key and field manager. */
  const owners = new Map<string, FieldOwners>();
  const listeners = new Set<(event: StandInEvent) => void | Promise<void>>();
  const requests: StandInRequest[] = [];
  const listenerErrors: unknown[] = [];
  let revision = 1;

  const keyOf = (resource: StandInResource, namespace: string | undefined, name: string) =>
    `${groupVersionOf(resource)}/${resource.resource}/${resource.namespaced ? (namespace ?? '') : ''}/${name}`;
  const byKind = (apiVersion: string, kind: string) => {
    const found = resources.find((candidate) => groupVersionOf(candidate) === apiVersion && candidate.kind === kind);
    if (!found) throw new Error(`the stand-in serves no ${apiVersion} ${kind}; add it with the resources option.`);
    return found;
  };
  const emit = (type: StandInEvent['type'], object: StandInObject) => {
    for (const listener of listeners) {
      const copy = structuredClone(object);
      setImmediate(() => {
        Promise.resolve()
          .then(() => listener({ type, object: copy }))
          .catch((error: unknown) => listenerErrors.push(error));
      });
    }
  };
  const stamp = (object: StandInObject) => {
    object.metadata.resourceVersion = String(++revision);
  };
  const recordManager = (key: string, object: StandInObject, manager: string, operation: 'Apply' | 'Update', paths: string[][]) => {
    const managers = owners.get(key) ?? new Map();
    owners.set(key, managers);
    managers.set(manager, { operation, paths });
    object.metadata.managedFields = [...managers].map(([name, entry]) => ({
      manager: name,
      operation: entry.operation,
      apiVersion: object.apiVersion,
      time: new Date().toISOString(),
      fieldsType: 'FieldsV1' as const,
    }));
  };

  /** Stores a changed object: resourceVersion always, generation when its spec moved, status kept where it has a subresource. */
  const store = (
    resource: StandInResource,
    key: string,
    incoming: StandInObject,
    previous: StandInObject | undefined,
    statusOnly = false,
  ) => {
    let next = incoming;
    if (previous && statusOnly) {
      next = structuredClone(previous);
      if (incoming.status === undefined) delete next.status;
      else next.status = incoming.status;
    } else if (previous) {
      next.metadata.uid = previous.metadata.uid;
      next.metadata.creationTimestamp = previous.metadata.creationTimestamp;
      next.metadata.generation = previous.metadata.generation;
      if (resource.status) {
        if (previous.status === undefined) delete next.status;
        else next.status = previous.status;
      }
      if (!sameJson(specPart(next), specPart(previous))) next.metadata.generation = (previous.metadata.generation ?? 1) + 1;
    } else {
      next.metadata.uid = randomUUID();
      next.metadata.creationTimestamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
      next.metadata.generation = 1;
      if (resource.status) delete next.status;
    }
    stamp(next);
    objects.set(key, next);
    emit(previous ? 'MODIFIED' : 'ADDED', next);
    return next;
  };

  const collectGarbage = (uid: string, policy: string) => {
    for (const [key, object] of [...objects]) {
      const refs = object.metadata.ownerReferences ?? [];
      if (!refs.some((ref) => ref.uid === uid)) continue;
      if (policy === 'Orphan') {
        object.metadata.ownerReferences = refs.filter((ref) => ref.uid !== uid);
        stamp(object);
        emit('MODIFIED', object);
      } else {
        objects.delete(key);
        owners.delete(key);
        emit('DELETED', object);
        collectGarbage(object.metadata.uid!, policy);
      }
    }
  };

  const apply = (resource: StandInResource, key: string, body: StandInObject, query: URLSearchParams, name: string, namespace?: string) => {
    const manager = query.get('fieldManager');
    if (!manager) fail(422, 'Invalid', 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
    const applied = structuredClone(body);
    applied.metadata = { ...applied.metadata, name, ...(resource.namespaced ? { namespace } : {}) };
    delete applied.metadata.resourceVersion;
    const paths = appliedPaths(applied);
    const previous = objects.get(key);
    if (!previous) return { object: store(resource, key, applied, undefined), manager, paths };
    const managers: FieldOwners = owners.get(key) ?? new Map();
    owners.set(key, managers);
    const { conflicts, next } = serverSideApply(previous, applied, manager!, query.get('force') === 'true', managers);
    if (conflicts.length > 0)
      fail(409, 'Conflict', `Apply failed with ${conflicts.length} conflict${conflicts.length > 1 ? 's' : ''}: ${conflicts.join('; ')}`, {
        name,
        kind: resource.resource,
        causes: conflicts.map((message) => ({ reason: 'FieldManagerConflict', message })),
      });
    return { object: store(resource, key, next, previous), manager, paths };
  };

  const handle = async (request: IncomingMessage, url: URL, body: string): Promise<{ status: number; body: unknown }> => {
    if (request.headers.authorization !== `Bearer ${token}`) fail(401, 'Unauthorized', 'Unauthorized');
    const segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (url.pathname === '/api' || url.pathname === '/api/') return { status: 200, body: { kind: 'APIVersions', versions: ['v1'] } };
    if (segments[0] === 'apis' && segments.length === 1) return { status: 200, body: apiGroupList(resources) };
    const [group, version, rest] =
      segments[0] === 'api' ? ['', segments[1], segments.slice(2)] : [segments[1] ?? '', segments[2], segments.slice(3)];
    if (segments[0] !== 'api' && segments[0] !== 'apis') fail(404, 'NotFound', 'the server could not find the requested resource');
    const served = resources.filter((x) => x.group === group && x.version === version);
    if (served.length === 0) fail(404, 'NotFound', 'the server could not find the requested resource');
    if (rest.length === 0) return { status: 200, body: apiResourceList(served, group, version!) };
    const namespaced = rest[0] === 'namespaces' && rest.length >= 3;
    const [namespace, resourceName, name, subresource] = namespaced
      ? [rest[1], rest[2], rest[3], rest[4]]
      : [undefined, rest[0], rest[1], rest[2]];
    const resource = served.find((x) => x.resource === resourceName);
    if (!resource || (subresource !== undefined && (subresource !== 'status' || !resource.status)))
      fail(404, 'NotFound', 'the server could not find the requested resource');
    const res = resource!;
    const notFound = () =>
      fail(404, 'NotFound', `${qualifiedName(res)} "${name}" not found`, { name, group: res.group, kind: res.resource });
    const parse = (): StandInObject => {
      try {
        return JSON.parse(body) as StandInObject;
      } catch {
        return fail(400, 'BadRequest', 'the body of the request was in an unknown format - accepted media types include: application/json');
      }
    };
    const checkKind = (object: StandInObject) => {
      if (object.kind !== res.kind || object.apiVersion !== groupVersionOf(res))
        fail(
          400,
          'BadRequest',
          `the API version in the data (${object.apiVersion}) does not match the expected API version (${groupVersionOf(res)})`,
        );
    };
    const method = request.method ?? 'GET';
    if (name === undefined) {
      if (method === 'GET') {
        const selector = url.searchParams.get('labelSelector') ?? '';
        const items = [...objects.values()].filter(
          (object) =>
            object.kind === res.kind &&
            object.apiVersion === groupVersionOf(res) &&
            (namespace === undefined || object.metadata.namespace === namespace) &&
            matchesLabelSelector(object.metadata.labels, selector),
        );
        return {
          status: 200,
          body: { kind: `${res.kind}List`, apiVersion: groupVersionOf(res), metadata: { resourceVersion: String(revision) }, items },
        };
      }
      if (method === 'POST') {
        const object = parse();
        checkKind(object);
        if (!object.metadata?.name) fail(422, 'Invalid', `${res.kind} "" is invalid: metadata.name: Required value: name is required`);
        const objectName = object.metadata.name;
        const key = keyOf(res, namespace, objectName);
        if (objects.has(key))
          fail(409, 'AlreadyExists', `${qualifiedName(res)} "${objectName}" already exists`, {
            name: objectName,
            group: res.group,
            kind: res.resource,
          });
        object.metadata = { ...object.metadata, ...(res.namespaced ? { namespace } : {}) };
        const created = store(res, key, object, undefined);
        recordManager(key, created, url.searchParams.get('fieldManager') ?? 'unknown', 'Update', leafPaths(specPart(object)));
        return { status: 201, body: created };
      }
      fail(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
    }
    const key = keyOf(res, namespace, name!);
    const current = objects.get(key);
    if (method === 'GET') return { status: 200, body: current ?? notFound() };
    if (method === 'DELETE') {
      if (!current) notFound();
      objects.delete(key);
      owners.delete(key);
      emit('DELETED', current!);
      // The API's default for Jobs is to orphan their pods (kubectl asks for Background).
      const policy = url.searchParams.get('propagationPolicy') ?? (res.resource === 'jobs' ? 'Orphan' : 'Background');
      collectGarbage(current!.metadata.uid!, policy);
      return {
        status: 200,
        body: {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Success',
          details: { name, group: res.group, kind: res.resource, uid: current!.metadata.uid },
        },
      };
    }
    if (method === 'PUT') {
      if (!current) notFound();
      const object = parse();
      checkKind(object);
      if (object.metadata.resourceVersion && object.metadata.resourceVersion !== current!.metadata.resourceVersion)
        fail(
          409,
          'Conflict',
          `Operation cannot be fulfilled on ${qualifiedName(res)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
          { name, group: res.group, kind: res.resource },
        );
      object.metadata = { ...current!.metadata, ...object.metadata };
      return { status: 200, body: store(res, key, object, current, subresource === 'status') };
    }
    if (method === 'PATCH') {
      const contentType = (request.headers['content-type'] ?? '').split(';')[0]!.trim();
      if (contentType === 'application/apply-patch+yaml') {
        const object = parse();
        checkKind(object);
        const { object: applied, manager, paths } = apply(res, key, object, url.searchParams, name!, namespace);
        recordManager(key, applied, manager!, 'Apply', paths);
        return { status: current ? 200 : 201, body: applied };
      }
      if (contentType === 'application/merge-patch+json' || contentType === 'application/strategic-merge-patch+json') {
        if (!current) notFound();
        const patch = parse();
        const next = mergePatch(structuredClone(current), patch) as StandInObject;
        next.metadata.name = name!;
        const stored = store(res, key, next, current, subresource === 'status');
        recordManager(key, stored, url.searchParams.get('fieldManager') ?? 'unknown', 'Update', leafPaths(patch));
        return { status: 200, body: stored };
      }
      fail(
        415,
        'UnsupportedMediaType',
        `the stand-in does not handle patches of type ${contentType || '(none)'}; use apply or merge patches.`,
      );
    }
    return fail(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
  };

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://stand-in');
      const reply = (status: number, body: unknown) => {
        requests.push({
          method: request.method ?? 'GET',
          path: url.pathname,
          query: Object.fromEntries(url.searchParams),
          ...(request.headers['content-type'] ? { contentType: request.headers['content-type'] } : {}),
          status,
        });
        response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      };
      handle(request, url, Buffer.concat(chunks).toString('utf8'))
        .then((result) => reply(result.status, result.body))
        .catch((error: unknown) => {
          if (error instanceof HttpFailure) reply(error.body.code, error.body);
          else reply(500, statusBody(500, 'InternalError', error instanceof Error ? error.message : String(error)));
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    token,
    requests,
    listenerErrors,
    kubeconfig(namespace = 'default') {
      return JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        // client-node refuses plain HTTP unless TLS verification is off: the stand-in serves loopback HTTP.
        clusters: [{ name: 'stand-in', cluster: { server: url, 'insecure-skip-tls-verify': true } }],
        users: [{ name: 'stand-in', user: { token } }],
        contexts: [{ name: 'stand-in', context: { cluster: 'stand-in', user: 'stand-in', namespace } }],
        'current-context': 'stand-in',
      });
    },
    get(apiVersion, kind, namespace, name) {
      const object = objects.get(keyOf(byKind(apiVersion, kind), namespace, name));
      return object ? structuredClone(object) : undefined;
    },
    list(apiVersion, kind, namespace) {
      return [...objects.values()]
        .filter((o) => o.apiVersion === apiVersion && o.kind === kind && (namespace === undefined || o.metadata.namespace === namespace))
        .map((o) => structuredClone(o));
    },
    setStatus(apiVersion, kind, namespace, name, status) {
      const resource = byKind(apiVersion, kind);
      const key = keyOf(resource, namespace, name);
      const current = objects.get(key);
      if (!current) throw new Error(`no ${kind} ${namespace ?? ''}/${name} in the stand-in`);
      const next = structuredClone(current);
      next.status = typeof status === 'function' ? status(structuredClone(current)) : status;
      stamp(next);
      objects.set(key, next);
      emit('MODIFIED', next);
      return structuredClone(next);
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      listeners.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
