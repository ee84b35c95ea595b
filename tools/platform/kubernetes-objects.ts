// Helpers for the platform manifests' tests: render a kustomization with kubectl, validate objects
// against kubernetes-models' schemas, and match API requests against RBAC rules.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  // biome-ignore lint/suspicious/noExplicitAny: Kubernetes objects are JSON, checked field by field
  [field: string]: any;
}

/** `kubectl kustomize DIR` (no API server needed), parsed into objects. */
export async function kustomize(dir: string): Promise<KubeObject[]> {
  const { stdout } = await promisify(execFile)('kubectl', ['kustomize', dir], { maxBuffer: 16 * 1024 * 1024 });
  return parseAllDocuments(stdout).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`kubectl kustomize ${dir} printed invalid YAML: ${doc.errors[0]?.message}`);
    return doc.toJS() as KubeObject;
  });
}

/**
 * Validates an object against its kind's OpenAPI schema from kubernetes-models (as packages/deploy's
 * manifest tests do); throws naming the field. A kind without a schema there is an error, not a pass.
 */
export async function validateObject(object: KubeObject): Promise<void> {
  const module = `kubernetes-models/${object.apiVersion}/${object.kind}`;
  let Model: new (data: unknown) => { validate(): void };
  try {
    Model = ((await import(module)) as { [kind: string]: typeof Model })[object.kind] as typeof Model;
  } catch {
    throw new Error(`no schema for ${object.apiVersion} ${object.kind} in kubernetes-models`);
  }
  new Model(object).validate();
}

/** What an API request needs in RBAC terms. */
export interface Permission {
  group: string;
  resource: string;
  verb: string;
}

/**
 * The permissions behind a request to the API (the path as the API server reads it): GET of one object
 * is `get`, of a collection `list`; POST `create`; PUT `update`; DELETE `delete`; PATCH `patch`, and a
 * server-side apply that created the object (201) needs `create` as well. Discovery (`/api`, `/apis`,
 * a group's resource list) needs no rule.
 */
export function permissionsOf(request: { method: string; path: string; status: number }): Permission[] {
  const segments = request.path.split('/').filter(Boolean);
  const rest = segments[0] === 'api' ? segments.slice(2) : segments.slice(3);
  const group = segments[0] === 'api' ? '' : (segments[1] ?? '');
  if (rest.length === 0) return [];
  const namespaced = rest[0] === 'namespaces' && rest.length >= 3;
  const [resource, name] = namespaced ? [rest[2], rest[3]] : [rest[0], rest[1]];
  if (!resource) return [];
  const verbs: Record<string, string[]> = {
    GET: [name === undefined ? 'list' : 'get'],
    POST: ['create'],
    PUT: ['update'],
    DELETE: ['delete'],
    PATCH: request.status === 201 ? ['patch', 'create'] : ['patch'],
  };
  return (verbs[request.method] ?? [request.method.toLowerCase()]).map((verb) => ({ group, resource, verb }));
}

interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  verbs?: string[];
}

/** Whether a rule among `rules` allows the permission (wildcards count, as in the API server). */
export function allows(rules: PolicyRule[], wanted: Permission): boolean {
  const has = (list: string[] | undefined, value: string) => (list ?? []).includes(value) || (list ?? []).includes('*');
  return rules.some((rule) => has(rule.apiGroups, wanted.group) && has(rule.resources, wanted.resource) && has(rule.verbs, wanted.verb));
}

/** Every permission the rules grant, spelled out (for the check that nothing is granted unused). */
export function granted(rules: PolicyRule[]): Permission[] {
  return rules.flatMap((rule) =>
    (rule.apiGroups ?? []).flatMap((group) =>
      (rule.resources ?? []).flatMap((resource) => (rule.verbs ?? []).map((verb) => ({ group, resource, verb }))),
    ),
  );
}

export const permissionKey = (p: Permission) => `${p.verb} ${p.group || 'core'}/${p.resource}`;
