import { MlpError } from '@mlp/core';
import type { DeploymentSpec } from '../deployment/deployment-spec.js';
import {
  type ApplyKubernetesOptions,
  applyManifests,
  readWorkloadStatus,
  waitForWorkload,
  workloadOf,
} from './apply-kubernetes-deployment.js';
import { openObjectClient } from './kubernetes-client.js';
import { renderKubernetesManifests } from './kubernetes-manifests.js';
import type { KubernetesManifest, RenderOptions } from './pod-template.js';
import type { WorkloadStatus } from './workload-status.js';

export interface KubernetesTargetOptions
  extends RenderOptions,
    Pick<ApplyKubernetesOptions, 'kubeconfig' | 'fieldManager' | 'pollMs' | 'timeoutMs'> {}

export interface KubernetesRolloutResult {
  /** `succeeded`; `rolled_back` (it failed and the version before it was re-applied); `failed` (nothing to go back to). */
  status: 'succeeded' | 'rolled_back' | 'failed';
  fromVersion?: string;
  toVersion: string;
  reason?: string;
  workload: WorkloadStatus;
}

export interface RolloutCallOptions {
  signal?: AbortSignal;
  onProgress?: (status: WorkloadStatus) => void;
}

/** A deployment on Kubernetes, as the deployment controller drives it (the local target's counterpart). */
export interface KubernetesDeploymentTarget {
  readonly kind: 'kubernetes';
  /** The manifests of a model version (what `mlp deploy render` prints). */
  render(modelVersion: string | number): KubernetesManifest[];
  /** Applies the version, waits for the rollout; on failure re-applies the version served before (undo) and waits for it. */
  rollout(revision: { modelVersion: string | number }, options?: RolloutCallOptions): Promise<KubernetesRolloutResult>;
  /** Re-applies the given version, else the one served before the last rollout, and waits for it. */
  rollback(revision?: { modelVersion: string | number }, options?: RolloutCallOptions): Promise<KubernetesRolloutResult>;
  /** The workload's live status; undefined before the first rollout. */
  status(): Promise<WorkloadStatus | undefined>;
}

/**
 * The Kubernetes target of a deployment: renders the spec for a model version, server-side applies
 * it and follows the rollout through the workload's status; a failed rollout (progress deadline
 * exceeded, or Argo Rollouts' analysis aborting it) is undone by applying the previous version, read
 * from the live workload's annotation, so the target keeps no state of its own. No I/O until called.
 */
export function createKubernetesTarget(spec: DeploymentSpec, options: KubernetesTargetOptions = {}): KubernetesDeploymentTarget {
  if (spec.target !== 'kubernetes')
    throw new MlpError(
      'INVALID_ARGUMENT',
      `deployment '${spec.name}' targets ${spec.target}, not kubernetes; create it with --target kubernetes.`,
    );
  let opened: ReturnType<typeof openObjectClient> | undefined;
  const client = async () => {
    opened ??= openObjectClient(options.kubeconfig);
    return opened;
  };
  const render = (modelVersion: string | number, previous?: string) => {
    const manifests = renderKubernetesManifests(spec, modelVersion, options);
    if (previous !== undefined) {
      const workload = workloadOf(manifests);
      workload.metadata.annotations = { ...workload.metadata.annotations, 'mlp.dev/previous-model-version': previous };
    }
    return manifests;
  };
  const workloadRef = () => workloadOf(renderKubernetesManifests(spec, 1, options));
  const applyAndWait = async (manifests: KubernetesManifest[], call: RolloutCallOptions) => {
    const { client: objects } = await client();
    await applyManifests(objects, manifests, options.fieldManager);
    return waitForWorkload(objects, workloadOf(manifests), { ...options, ...call });
  };
  const status = async () => readWorkloadStatus((await client()).client, workloadRef());

  const target: KubernetesDeploymentTarget = {
    kind: 'kubernetes',
    render: (modelVersion) => render(modelVersion),
    async rollout(revision, call = {}) {
      const toVersion = String(revision.modelVersion);
      const before = await status();
      const fromVersion = before?.modelVersion;
      const workload = await applyAndWait(render(toVersion, fromVersion), call);
      if (workload.phase === 'healthy') return { status: 'succeeded', toVersion, ...(fromVersion ? { fromVersion } : {}), workload };
      const reason = workload.reason ?? 'the rollout failed';
      if (!fromVersion || fromVersion === toVersion) return { status: 'failed', toVersion, reason, workload };
      // Undo: the version served before, applied again (Argo Rollouts goes straight back to its stable ReplicaSet).
      const undone = await applyAndWait(render(fromVersion), call);
      return {
        status: 'rolled_back',
        fromVersion,
        toVersion,
        reason: `${reason}; version ${fromVersion} was applied again${undone.phase === 'healthy' ? ' and is healthy' : ` but did not become healthy (${undone.reason ?? undone.phase})`}`,
        workload: undone,
      };
    },
    async rollback(revision, call = {}) {
      const current = await status();
      const version = revision ? String(revision.modelVersion) : current?.previousModelVersion;
      if (!version)
        throw new MlpError(
          'FAILED_PRECONDITION',
          `deployment '${spec.name}' has no earlier version on Kubernetes to go back to; name one.`,
        );
      const workload = await applyAndWait(render(version), call);
      return {
        status: workload.phase === 'healthy' ? 'succeeded' : 'failed',
        toVersion: version,
        ...(current?.modelVersion ? { fromVersion: current.modelVersion } : {}),
        ...(workload.reason ? { reason: workload.reason } : {}),
        workload,
      };
    },
    status,
  };
  return target;
}
