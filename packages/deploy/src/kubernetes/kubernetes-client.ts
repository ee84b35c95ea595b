import { existsSync } from 'node:fs';
import { MlpError } from '@mlp/core';

type ClientNode = typeof import('@kubernetes/client-node');

/** Loads @kubernetes/client-node (an optional peer): only the Kubernetes target needs it. */
export async function loadClientNode(): Promise<ClientNode> {
  try {
    return await import('@kubernetes/client-node');
  } catch {
    throw new MlpError(
      'FAILED_PRECONDITION',
      'the Kubernetes target needs @kubernetes/client-node: run `npm install @kubernetes/client-node@^1.4.0` beside @mlp/deploy.',
    );
  }
}

/**
 * A client for any object kind from `kubeconfig` (a file path, or the config's YAML/JSON text), else
 * the default ($KUBECONFIG, ~/.kube/config, or the in-cluster service account).
 */
export async function openObjectClient(kubeconfig?: string) {
  const k8s = await loadClientNode();
  const config = new k8s.KubeConfig();
  if (kubeconfig === undefined) config.loadFromDefault();
  else if (!kubeconfig.includes('\n') && !kubeconfig.trimStart().startsWith('{') && existsSync(kubeconfig)) config.loadFromFile(kubeconfig);
  else config.loadFromString(kubeconfig);
  if (!config.getCurrentCluster())
    throw new MlpError(
      'FAILED_PRECONDITION',
      'no Kubernetes cluster is configured: set KUBECONFIG or pass kubeconfig, or run inside a cluster.',
    );
  const namespace = config.getContextObject(config.getCurrentContext())?.namespace ?? 'default';
  return { k8s, client: k8s.KubernetesObjectApi.makeApiClient(config), namespace };
}

/** The HTTP status of a client-node error (ApiException), if it came from the API server. */
export function apiStatusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'number' ? code : undefined;
}

/** The API server's message in a client-node error (its Status body), else the error's own. */
export function apiMessageOf(error: unknown): string {
  const body = (error as { body?: unknown })?.body;
  let parsed = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      parsed = undefined;
    }
  }
  const message = (parsed as { message?: unknown } | undefined)?.message;
  if (typeof message === 'string') return message;
  return error instanceof Error ? error.message : String(error);
}
