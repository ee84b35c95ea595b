import type { AuditEntry, GateOutcome, ModelVersion, RegisteredModel } from '@mlp/registry';

/** Registry objects as the UI reads them: snake_case, epoch-ms times. */
export function modelJson(model: RegisteredModel) {
  return {
    name: model.name,
    description: model.description,
    creation_time: model.creationTime,
    last_updated_time: model.lastUpdatedTime,
    tags: model.tags,
    aliases: model.aliases,
  };
}

export function modelVersionJson(version: ModelVersion) {
  return {
    name: version.name,
    version: version.version,
    source: version.source,
    run_id: version.runId,
    status: version.status,
    status_message: version.statusMessage,
    description: version.description,
    user_id: version.userId,
    content_hash: version.contentHash,
    creation_time: version.creationTime,
    aliases: version.aliases,
    stage: version.currentStage,
    tags: version.tags,
  };
}

export function gateOutcomeJson(outcome: GateOutcome) {
  return { gate: outcome.gate, type: outcome.type, passed: outcome.passed, message: outcome.message };
}

/** An audit entry; a promotion's gate outcomes (`details.gates`) are lifted out for the gate-results table. */
export function auditJson(entry: AuditEntry) {
  const gates = Array.isArray(entry.details.gates) ? (entry.details.gates as GateOutcome[]).map(gateOutcomeJson) : [];
  return {
    id: entry.id,
    version: entry.version,
    action: entry.action,
    actor: entry.actor,
    reason: entry.reason,
    alias: typeof entry.details.alias === 'string' ? entry.details.alias : null,
    gates,
    details: entry.details,
    time: entry.time,
  };
}
