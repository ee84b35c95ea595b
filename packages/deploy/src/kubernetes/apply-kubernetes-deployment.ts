import { MlpError } from '@mlp/core';
import { apiMessageOf, apiStatusOf, openObjectClient } from './kubernetes-client.js';
import type { KubernetesManifest } from './pod-template.js';
import { type WorkloadStatus, workloadStatusOf } from './workload-status.js';

export interface ApplyKubernetesOptions {
  /** A kubeconfig file path or its text (default: $KUBECONFIG, ~/.kube/config, or in-cluster). */
  kubeconfig?: string;
  /** The server-side apply field manager (default `mlp-deploy`); applies are forced, mlp owns these objects. */
  fieldManager?: string;
  /** How often the workload's status is read while waiting (ms, default 2000). */
  pollMs?: number;
  /**
   * How long to wait at most (ms): a backstop for a cluster whose controllers never report. By default
   * the workload's own progressDeadlineSeconds plus a minute; the controller's deadline decides first.
   */
  timeoutMs?: number;
  signal?: AbortSignal;
  onProgress?: (status: WorkloadStatus) => void;
}

type ObjectClient = Awaited<ReturnType<typeof openObjectClient>>['client'];

/** The order objects are applied in: what others refer to first, the autoscaler after its target. */
const applyOrder = ['AnalysisTemplate', 'Service', 'PodDisruptionBudget', 'Deployment', 'Rollout', 'HorizontalPodAutoscaler'];

/** Server-side applies each manifest (forced, one field manager), in dependency order. */
export async function applyManifests(client: ObjectClient, manifests: KubernetesManifest[], fieldManager = 'mlp-deploy'): Promise<void> {
  const ordered = [...manifests].sort((a, b) => applyOrder.indexOf(a.kind) - applyOrder.indexOf(b.kind));
  for (const manifest of ordered) {
    try {
      await client.patch(manifest as never, undefined, undefined, fieldManager, true, 'application/apply-patch+yaml' as never);
    } catch (error) {
      const status = apiStatusOf(error);
      const why = apiMessageOf(error);
      const hint =
        status === 404
          ? ` (is the ${manifest.apiVersion} API installed? Argo Rollouts must be for canary and blue-green)`
          : status === 403
            ? ' (the service account may not apply it: grant it in a Role)'
            : '';
      throw new MlpError(
        status === 403 || status === 401
          ? 'PERMISSION_DENIED'
          : status === undefined || status >= 500
            ? 'UNAVAILABLE'
            : 'FAILED_PRECONDITION',
        `applying ${manifest.kind} ${manifest.metadata.namespace}/${manifest.metadata.name} failed: ${why}${hint}.`,
      );
    }
  }
}

/** The workload (Deployment or Rollout) among the manifests. */
export function workloadOf(manifests: KubernetesManifest[]): KubernetesManifest {
  const workload = manifests.find((m) => m.kind === 'Deployment' || m.kind === 'Rollout');
  if (!workload) throw new MlpError('INVALID_ARGUMENT', 'the manifests hold no Deployment or Rollout to wait for.');
  return workload;
}

/** Reads the workload's status; undefined when it does not exist. */
export async function readWorkloadStatus(client: ObjectClient, workload: Pick<KubernetesManifest, 'apiVersion' | 'kind' | 'metadata'>) {
  try {
    const live = await client.read({ apiVersion: workload.apiVersion, kind: workload.kind, metadata: { ...workload.metadata } } as never);
    return workloadStatusOf(live as never);
  } catch (error) {
    if (apiStatusOf(error) === 404) return undefined;
    throw new MlpError('UNAVAILABLE', `reading ${workload.kind} ${workload.metadata.name} failed: ${apiMessageOf(error)}; try again.`);
  }
}

/**
 * Polls the workload until its controller reports the rollout healthy (observedGeneration caught up,
 * updated and available replicas at the desired count) or failed (a Deployment's
 * ProgressDeadlineExceeded; a Rollout aborted or Degraded), or until `timeoutMs`.
 */
export async function waitForWorkload(
  client: ObjectClient,
  workload: KubernetesManifest,
  options: ApplyKubernetesOptions = {},
): Promise<WorkloadStatus> {
  const deadlineSeconds = Number((workload.spec as { progressDeadlineSeconds?: number } | undefined)?.progressDeadlineSeconds ?? 600);
  const timeoutMs = options.timeoutMs ?? deadlineSeconds * 1000 + 60_000;
  const started = Date.now();
  for (;;) {
    options.signal?.throwIfAborted();
    const status = await readWorkloadStatus(client, workload);
    if (status) {
      options.onProgress?.(status);
      if (status.phase === 'healthy' || status.phase === 'failed') return status;
    }
    if (Date.now() - started > timeoutMs)
      return {
        ...(status ?? {
          kind: workload.kind as 'Deployment',
          name: workload.metadata.name,
          namespace: workload.metadata.namespace ?? '',
          desired: 0,
          updated: 0,
          available: 0,
          observed: false,
        }),
        phase: 'failed',
        reason: `the rollout did not finish within ${timeoutMs} ms and its controller reported no failure (is the ${workload.kind} controller running?)`,
      };
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 2_000));
  }
}

/** Applies the manifests (server-side apply) and waits for the workload's rollout to end; the final status says how. */
export async function applyKubernetesDeployment(
  manifests: KubernetesManifest[],
  options: ApplyKubernetesOptions = {},
): Promise<WorkloadStatus> {
  const { client } = await openObjectClient(options.kubeconfig);
  await applyManifests(client, manifests, options.fieldManager);
  return waitForWorkload(client, workloadOf(manifests), options);
}
