import { existsSync } from 'node:fs';
import { MlpError } from '../errors/mlp-error.js';

// What every package that talks to a Kubernetes API server needs (the orchestrate executor, the deploy
// target), with @kubernetes/client-node an optional peer loaded on first use.

type ClientNode = typeof import('@kubernetes/client-node');

/** Loads @kubernetes/client-node; `user` names what needs it and the package to install it beside. */
export async function loadKubernetesClient(user: { feature: string; packageName: string }): Promise<ClientNode> {
  try {
    return await import('@kubernetes/client-node');
  } catch {
    throw new MlpError(
      'FAILED_PRECONDITION',
      `${user.feature} needs @kubernetes/client-node: run \`npm install @kubernetes/client-node@^1.4.0\` beside ${user.packageName}.`,
    );
  }
}

/**
 * A KubeConfig from `kubeconfig` (a file path, or the config's YAML/JSON text), else the default
 * ($KUBECONFIG, ~/.kube/config, or the in-cluster service account), with its namespace.
 */
export function loadKubeConfig(k8s: ClientNode, kubeconfig?: string) {
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
  return { config, namespace };
}

/** The HTTP status of a client-node error (ApiException), if it came from the API server. */
export function apiStatusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'number' ? code : undefined;
}

/** The API server's message in a client-node error (its Status body), else the error's own. */
export function apiMessageOf(error: unknown): string {
  const body = (error as { body?: unknown })?.body;
  const parsed = typeof body === 'string' ? safeJson(body) : body;
  const message = (parsed as { message?: unknown } | undefined)?.message;
  if (typeof message === 'string') return message;
  return error instanceof Error ? error.message : String(error);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
