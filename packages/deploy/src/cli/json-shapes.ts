// The `--json` shapes of the deploy commands: snake_case keys, epoch-ms times, null for absent.
import type { PredictionLogEntry } from '@mlp/core';
import type { DeploymentRecord, HistoryEntry } from '../deployment/deployment-store.js';

export function revisionJson(revision: DeploymentRecord['revisions'][number]) {
  return {
    revision: revision.revision,
    model_version: revision.modelVersion,
    weight: revision.weight,
    status: revision.status,
    step: revision.step,
    analysis_rounds: revision.analysisRounds,
    created_at: revision.createdTime,
    updated_at: revision.updatedTime,
  };
}

export function historyJson(entry: HistoryEntry) {
  return {
    at: entry.at,
    action: entry.action,
    from_version: entry.fromVersion,
    to_version: entry.toVersion,
    reason: entry.reason,
    details: entry.details,
  };
}

/** `mlp deploy ls`: one entry per deployment. */
export function deploymentSummaryJson(deployment: DeploymentRecord) {
  const serving = deployment.revisions.filter((rev) => rev.weight > 0);
  return {
    name: deployment.name,
    model: deployment.spec.model,
    target: deployment.spec.target,
    strategy: deployment.spec.strategy,
    status: deployment.status,
    endpoint: deployment.endpoint,
    serving: serving.map((rev) => ({ revision: rev.revision, model_version: rev.modelVersion, weight: rev.weight })),
    created_at: deployment.createdTime,
    updated_at: deployment.updatedTime,
  };
}

/** `mlp deploy show`: the deployment, its spec, revisions and history. */
export function deploymentJson(deployment: DeploymentRecord, history: readonly HistoryEntry[]) {
  const { spec } = deployment;
  return {
    name: deployment.name,
    model: spec.model,
    target: spec.target,
    strategy: spec.strategy,
    status: deployment.status,
    endpoint: deployment.endpoint,
    spec: {
      steps: spec.steps,
      analysis: spec.analysis,
      interval_ms: spec.intervalMs,
      replicas: spec.replicas,
      port: spec.port ?? null,
      webhook_url: spec.webhookUrl ?? null,
      prometheus_url: spec.prometheusUrl ?? null,
      traffic_split: spec.trafficSplit ?? null,
      sticky_header: spec.stickyHeader,
      namespace: spec.namespace ?? null,
      image: spec.image ?? null,
      features: spec.features
        ? {
            view: spec.features.view,
            entity_keys: spec.features.entityKeys,
            feature_names: spec.features.features ?? null,
            on_missing: spec.features.onMissing,
          }
        : null,
    },
    revisions: deployment.revisions.map(revisionJson),
    history: history.map(historyJson),
    created_at: deployment.createdTime,
    updated_at: deployment.updatedTime,
  };
}

/** `mlp deploy agent` when it stops. */
export function agentJson(report: { startedAt: number; stoppedAt: number; endpoints: Record<string, string> }) {
  return {
    started_at: report.startedAt,
    stopped_at: report.stoppedAt,
    deployments: Object.entries(report.endpoints).map(([name, url]) => ({ name, url })),
  };
}

/** `mlp predictions`: one prediction log entry. */
export function predictionLogEntryJson(entry: PredictionLogEntry) {
  return {
    at: entry.at,
    model: entry.model,
    model_version: entry.modelVersion,
    deployment: entry.deployment ?? null,
    request_id: entry.requestId,
    kind: entry.kind,
    inputs: entry.inputs,
    outputs: entry.outputs,
    latency_ms: entry.latencyMs,
  };
}

/** `mlp predictions prune`: what retention deleted. */
export function predictionPruneJson(
  result: { scanned: number; deleted: number; deletedBytes: number },
  before: number,
  model: string | null,
) {
  return { model, before, scanned_batches: result.scanned, deleted_batches: result.deleted, deleted_bytes: result.deletedBytes };
}
