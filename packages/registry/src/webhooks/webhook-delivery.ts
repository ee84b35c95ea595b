import { backoffDelay, deliverSignedWebhook, type MlpEvent } from '@mlp/core';
import type { RegistryContext } from '../store/registry-context.js';
import { registryEventTypes } from './registry-events.js';
import { webhookConsumer } from './webhook-store.js';

export interface WebhookDeliveryOptions {
  /** The longest wait before the first retry; doubles with each failed attempt (full jitter: anywhere up to it). */
  baseDelayMs?: number;
  /** The longest wait between attempts. */
  maxDelayMs?: number;
  /** Attempts before a delivery is marked `failed` (it stays in the log and can be retried with `redeliver`). */
  maxAttempts?: number;
  /** How often due retries are looked for. */
  pollIntervalMs?: number;
  /** How long one POST may take. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface WebhookDeliveryWorker {
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

interface DueRow {
  delivery_id: string;
  url: string;
  secret: string;
  event_type: string;
  body: string;
  attempts: number;
}

/**
 * Delivers webhooks. A durable event consumer turns each registry event into one delivery row per
 * matching webhook (idempotent per webhook and event, so a redelivered event adds nothing); a loop
 * sends due rows, signed, and reschedules failures with exponential backoff. Rows are claimed with
 * `for update skip locked` and a lease, so several workers never send the same attempt twice.
 */
export function startWebhookDelivery(context: RegistryContext, options: WebhookDeliveryOptions = {}): WebhookDeliveryWorker {
  const baseDelayMs = options.baseDelayMs ?? 1000;
  const maxDelayMs = options.maxDelayMs ?? 15 * 60_000;
  const maxAttempts = options.maxAttempts ?? 25;
  const pollIntervalMs = options.pollIntervalMs ?? 500;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const { db, events, logger } = context.workspace;
  const log = logger.child({ component: 'registry-webhooks' });
  let closed = false;
  let wake: (() => void) | undefined;
  const kick = () => wake?.();

  async function enqueue(event: MlpEvent): Promise<void> {
    const payload = event.payload as { name?: string };
    const body = JSON.stringify({
      event_id: event.id,
      event_type: event.type,
      created_at: event.createdAt.toISOString(),
      payload: event.payload,
    });
    await db.query(
      `insert into registry_webhook_deliveries (webhook_id, event_id, event_type, body, status, next_attempt_time, creation_time)
       select webhook_id, $1, $2, $3, 'pending', $4, $4 from registry_webhooks
       where active = 1 and (model_name is null or model_name = $5) and (jsonb_array_length(events) = 0 or events ? $2)
       on conflict (webhook_id, event_id) do nothing`,
      [event.id, event.type, body, context.now(), payload.name ?? null],
    );
    kick();
  }

  const subscription = events.subscribe(
    {
      consumer: webhookConsumer,
      types: [...registryEventTypes],
      pollIntervalMs: Math.max(pollIntervalMs, 200),
      ...(options.signal ? { signal: options.signal } : {}),
    },
    enqueue,
  );

  async function send(row: DueRow): Promise<void> {
    const attempt = row.attempts + 1;
    const { status, error } = await deliverSignedWebhook({
      url: row.url,
      secret: row.secret,
      body: row.body,
      eventType: row.event_type,
      deliveryId: row.delivery_id,
      policy: context.webhookTargets,
      timeoutMs,
      userAgent: 'mlp-registry-webhooks',
    });
    const now = context.now();
    if (error === null) {
      await db.query(
        `update registry_webhook_deliveries set status = 'delivered', attempts = $2, last_status_code = $3, last_error = null, delivered_time = $4 where delivery_id = $1`,
        [row.delivery_id, attempt, status, now],
      );
      return;
    }
    const giveUp = attempt >= maxAttempts;
    await db.query(
      `update registry_webhook_deliveries set status = $2, attempts = $3, last_status_code = $4, last_error = $5, next_attempt_time = $6 where delivery_id = $1`,
      [
        row.delivery_id,
        giveUp ? 'failed' : 'pending',
        attempt,
        status,
        error,
        now + backoffDelay(attempt - 1, { baseDelayMs, maxDelayMs }),
      ],
    );
    log.warn(
      { deliveryId: row.delivery_id, attempt, error },
      giveUp ? 'webhook delivery failed for good' : 'webhook delivery failed; will retry',
    );
  }

  async function claimDue(): Promise<DueRow[]> {
    const now = context.now();
    // The lease (timeout + a margin) keeps other workers off a row while this one sends it.
    return db.query<DueRow & Record<string, unknown>>(
      `update registry_webhook_deliveries d set next_attempt_time = $2
       from registry_webhooks w
       where w.webhook_id = d.webhook_id and d.delivery_id in (
         select delivery_id from registry_webhook_deliveries where status = 'pending' and next_attempt_time <= $1
         order by delivery_id limit 20 for update skip locked)
       returning d.delivery_id::text as delivery_id, w.url, w.secret, d.event_type, d.body, d.attempts`,
      [now, now + timeoutMs + 5000],
    );
  }

  const loop = (async () => {
    while (!closed) {
      try {
        const due = await claimDue();
        await Promise.all(due.map(send));
        if (due.length > 0) continue;
      } catch (error) {
        if (!closed) log.error({ err: error }, 'webhook delivery round failed; retrying');
      }
      if (closed) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, pollIntervalMs);
        function done() {
          clearTimeout(timer);
          wake = undefined;
          resolve();
        }
        wake = done;
      });
    }
  })();

  const onAbort = () => void worker.close();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let closing: Promise<void> | undefined;
  const worker: WebhookDeliveryWorker = {
    // Idempotent: a second close waits for the first.
    close() {
      closing ??= (async () => {
        closed = true;
        options.signal?.removeEventListener('abort', onAbort);
        kick();
        await Promise.all([subscription.close(), loop]);
      })();
      return closing;
    },
    [Symbol.asyncDispose]: () => worker.close(),
  };
  return worker;
}

/** Puts a delivery (such as a `failed` one) back in the queue, due now. */
export async function redeliver(context: RegistryContext, deliveryId: number): Promise<void> {
  await context.workspace.db.query(
    `update registry_webhook_deliveries set status = 'pending', next_attempt_time = $2 where delivery_id = $1`,
    [deliveryId, context.now()],
  );
}
