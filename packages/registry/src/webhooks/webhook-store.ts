import { randomBytes } from 'node:crypto';
import { MlpError, parseWebhookUrl, resolveWebhookTarget } from '@mlp/core';
import type { RegistryContext } from '../store/registry-context.js';
import { registryEventTypes } from './registry-events.js';

export const webhookConsumer = 'registry.webhooks';

export interface Webhook {
  webhookId: number;
  url: string;
  /** Only events of this model; null for every model. */
  modelName: string | null;
  /** Event types sent; empty for all registry events. */
  events: string[];
  active: boolean;
  creationTime: number;
}

export interface CreateWebhookInput {
  url: string;
  /** The HMAC key; generated (and returned once) when absent. */
  secret?: string;
  modelName?: string;
  events?: string[];
}

export interface WebhookDelivery {
  deliveryId: number;
  webhookId: number;
  eventId: string;
  eventType: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  nextAttemptTime: number;
  lastStatusCode: number | null;
  lastError: string | null;
  creationTime: number;
  deliveredTime: number | null;
}

interface WebhookRow {
  webhook_id: string;
  url: string;
  model_name: string | null;
  events: string[];
  active: number;
  creation_time: string;
}

const toWebhook = (row: WebhookRow): Webhook => ({
  webhookId: Number(row.webhook_id),
  url: row.url,
  modelName: row.model_name,
  events: row.events,
  active: row.active === 1,
  creationTime: Number(row.creation_time),
});

/**
 * Registers a webhook: an http(s) URL without credentials whose host is not (and does not resolve
 * to) a loopback, private or link-local address unless the registry allows its network. Its consumer's cursor is created now if it does not exist, so every event from
 * here on reaches it even when no delivery worker is running yet.
 */
export async function createWebhook(context: RegistryContext, input: CreateWebhookInput): Promise<Webhook & { secret: string }> {
  const url = parseWebhookUrl(input.url);
  const unknown = (input.events ?? []).filter((type) => !(registryEventTypes as readonly string[]).includes(type));
  if (unknown.length > 0)
    throw new MlpError('INVALID_ARGUMENT', `Unknown event types ${unknown.join(', ')}: use ${registryEventTypes.join(', ')}.`);
  const secret = input.secret ?? randomBytes(32).toString('hex');
  if (secret.length < 16) throw new MlpError('INVALID_ARGUMENT', 'A webhook secret must be at least 16 characters.');
  await resolveWebhookTarget(url, context.webhookTargets);
  const { db } = context.workspace;
  await db.query(
    `insert into mlp_event_consumers (consumer, last_txid, last_id)
     select $1, coalesce(max(txid), 0), coalesce(max(id), 0) from (
       select txid, id from mlp_events where txid < pg_snapshot_xmin(pg_current_snapshot())::text::bigint order by txid desc, id desc limit 1) latest
     on conflict (consumer) do nothing`,
    [webhookConsumer],
  );
  const [row] = await db.query<WebhookRow & Record<string, unknown>>(
    'insert into registry_webhooks (url, secret, model_name, events, creation_time) values ($1, $2, $3, $4::jsonb, $5) returning *',
    [url.toString(), secret, input.modelName ?? null, JSON.stringify(input.events ?? []), context.now()],
  );
  if (!row) throw new MlpError('INTERNAL', 'The webhook insert returned no row.');
  return { ...toWebhook(row), secret };
}

export async function listWebhooks(context: RegistryContext): Promise<Webhook[]> {
  const rows = await context.workspace.db.query<WebhookRow & Record<string, unknown>>(
    'select * from registry_webhooks order by webhook_id',
  );
  return rows.map(toWebhook);
}

export async function deleteWebhook(context: RegistryContext, webhookId: number): Promise<void> {
  const rows = await context.workspace.db.query('delete from registry_webhooks where webhook_id = $1 returning webhook_id', [webhookId]);
  if (rows.length === 0) throw new MlpError('NOT_FOUND', `No webhook ${webhookId}. List them with listWebhooks().`);
}

export async function listDeliveries(context: RegistryContext, webhookId?: number): Promise<WebhookDelivery[]> {
  const rows = await context.workspace.db.query<Record<string, unknown>>(
    'select * from registry_webhook_deliveries where ($1::bigint is null or webhook_id = $1) order by delivery_id',
    [webhookId ?? null],
  );
  return rows.map((row) => ({
    deliveryId: Number(row.delivery_id),
    webhookId: Number(row.webhook_id),
    eventId: String(row.event_id),
    eventType: String(row.event_type),
    status: row.status as WebhookDelivery['status'],
    attempts: Number(row.attempts),
    nextAttemptTime: Number(row.next_attempt_time),
    lastStatusCode: row.last_status_code === null ? null : Number(row.last_status_code),
    lastError: (row.last_error as string | null) ?? null,
    creationTime: Number(row.creation_time),
    deliveredTime: row.delivered_time === null ? null : Number(row.delivered_time),
  }));
}
