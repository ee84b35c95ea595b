import type { AuditEntry } from '../model.js';

/** An audit entry in the snake_case the CLI's other JSON output uses. */
export function auditJson(entry: AuditEntry) {
  return {
    id: entry.id,
    model_name: entry.modelName,
    version: entry.version,
    action: entry.action,
    actor: entry.actor,
    reason: entry.reason,
    details: entry.details,
    timestamp: entry.time,
  };
}
