import type { DbExecutor, WebhookTargetPolicy, Workspace } from '@mlp/core';
import type { Tracking } from '@mlp/tracking';
import type { sql } from 'drizzle-orm';
import type { PromotionCheck } from '../promotion/gate-types.js';

/** What every part of the registry shares: the workspace, tracking (runs and artifacts), who acts, and the custom checks. */
export interface RegistryContext {
  workspace: Workspace;
  tracking: Tracking;
  /** The default actor written to the audit log when a call names none. */
  actor: string;
  checks: ReadonlyMap<string, PromotionCheck>;
  /** Absolute folders REST callers may register local files from (none by default). */
  sourceFolders: readonly string[];
  /** Which addresses webhooks may be sent to. */
  webhookTargets: WebhookTargetPolicy;
  now(): number;
}

/** Rows of a raw statement run on a transaction (drizzle's node-postgres result carries `rows`). */
export async function txRows<Row>(tx: DbExecutor, query: ReturnType<typeof sql>): Promise<Row[]> {
  const result = (await tx.execute(query)) as unknown as { rows: Row[] };
  return result.rows;
}
