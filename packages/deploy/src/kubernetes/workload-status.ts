/** Where a Deployment's or Rollout's rollout stands, read from its status as the controllers write it. */
export interface WorkloadStatus {
  kind: 'Deployment' | 'Rollout';
  name: string;
  namespace: string;
  phase: 'progressing' | 'paused' | 'healthy' | 'failed';
  /** The model version its pod template serves (the `mlp.dev/model-version` annotation). */
  modelVersion?: string;
  /** The version it served before the last rollout (`mlp.dev/previous-model-version`). */
  previousModelVersion?: string;
  desired: number;
  updated: number;
  available: number;
  /** Whether the controller has seen the latest spec (observedGeneration ≥ generation). */
  observed: boolean;
  reason?: string;
}

interface LiveObject {
  kind?: string;
  metadata?: { name?: string; namespace?: string; generation?: number; annotations?: Record<string, string> };
  spec?: { replicas?: number };
  status?: {
    observedGeneration?: number | string;
    replicas?: number;
    updatedReplicas?: number;
    availableReplicas?: number;
    phase?: string;
    message?: string;
    abort?: boolean;
    conditions?: Array<{ type?: string; status?: string; reason?: string; message?: string }>;
  };
}

export function workloadStatusOf(object: LiveObject): WorkloadStatus {
  const status = object.status ?? {};
  const desired = object.spec?.replicas ?? 1;
  const updated = status.updatedReplicas ?? 0;
  const available = status.availableReplicas ?? 0;
  const observed = status.observedGeneration !== undefined && Number(status.observedGeneration) >= (object.metadata?.generation ?? 0);
  const annotations = object.metadata?.annotations ?? {};
  const base = {
    kind: object.kind === 'Rollout' ? ('Rollout' as const) : ('Deployment' as const),
    name: object.metadata?.name ?? '',
    namespace: object.metadata?.namespace ?? '',
    ...(annotations['mlp.dev/model-version'] ? { modelVersion: annotations['mlp.dev/model-version'] } : {}),
    ...(annotations['mlp.dev/previous-model-version'] ? { previousModelVersion: annotations['mlp.dev/previous-model-version'] } : {}),
    desired,
    updated,
    available,
    observed,
  };
  const complete = observed && updated >= desired && available >= desired && (status.replicas ?? updated) <= updated;
  if (base.kind === 'Rollout') {
    if (status.abort || status.phase === 'Degraded')
      return { ...base, phase: 'failed', reason: status.message || (status.abort ? 'the rollout was aborted' : 'the rollout is degraded') };
    if (status.phase === 'Paused') return { ...base, phase: 'paused', ...(status.message ? { reason: status.message } : {}) };
    return { ...base, phase: observed && status.phase === 'Healthy' && complete ? 'healthy' : 'progressing' };
  }
  const progressing = status.conditions?.find((condition) => condition.type === 'Progressing');
  if (progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded')
    return { ...base, phase: 'failed', reason: progressing.message ?? 'the progress deadline was exceeded' };
  return { ...base, phase: complete ? 'healthy' : 'progressing' };
}
