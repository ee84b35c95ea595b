import type { DbExecutor } from '@mlp/core';
import { sql } from 'drizzle-orm';
import type { AuditEntry } from '../model.js';

export interface AuditRecord {
  modelName: string;
  version?: number | null;
  action: string;
  actor: string;
  reason?: string | null | undefined;
  details?: Record<string, unknown>;
  time: number;
}

/** Appends one entry to the audit log, inside the caller's transaction (the table refuses updates and deletes). */
export async function appendAudit(tx: DbExecutor, record: AuditRecord): Promise<void> {
  await tx.execute(sql`insert into registry_audit_log (model_name, version, action, actor, reason, details, time)
    values (${record.modelName}, ${record.version ?? null}, ${record.action}, ${record.actor}, ${record.reason ?? null},
            ${JSON.stringify(record.details ?? {})}::jsonb, ${record.time})`);
}

export interface AuditRow {
  id: string | number;
  model_name: string;
  version: number | null;
  action: string;
  actor: string;
  reason: string | null;
  details: Record<string, unknown>;
  time: string | number;
}

export function auditEntry(row: AuditRow): AuditEntry {
  return {
    id: Number(row.id),
    modelName: row.model_name,
    version: row.version,
    action: row.action,
    actor: row.actor,
    reason: row.reason,
    details: row.details,
    time: Number(row.time),
  };
}
