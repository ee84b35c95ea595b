import type { MlpEvent } from '../events/event-bus.js';
import { backoffDelay } from '../retry/retry-backoff.js';
import type { Workspace } from '../workspace/workspace.js';
import { deliverSignedWebhook } from './deliver-webhook.js';
import { createWebhookTargetPolicy } from './webhook-target.js';

/** Where and what one event is sent as. */
export interface EventWebhook {
  url: string;
  secret: string;
  body: string;
  /** Names the sender in log lines: `deployment 'x': rollback webhook`. */
  label: string;
}

export interface EventWebhookOptions {
  /** The durable consumer whose cursor records what was sent. */
  consumer: string;
  types: readonly string[];
  /** The webhook for an event, or `undefined` when it has none. */
  webhookFor(event: MlpEvent): Promise<EventWebhook | undefined>;
  /** `x-mlp-delivery` is `${deliveryPrefix}-${event id}`. */
  deliveryPrefix: string;
  userAgent: string;
  /** The variable that widens the networks webhooks may reach; named in the refusal. */
  networksVariable: string;
  /** Networks besides public addresses; read from `networksVariable` when omitted. */
  allowedNetworks?: readonly string[];
  /** Attempts per event before giving up (each a signed POST; waits grow with full jitter). */
  maxAttempts?: number;
  baseDelayMs?: number;
  timeoutMs?: number;
  pollIntervalMs?: number;
}

/**
 * Sends events as signed webhooks. The events are read with a durable cursor, so an event recorded
 * while no sender ran is still announced, and a delivery cut by a crash is sent again (receivers
 * de-duplicate by `x-mlp-delivery`).
 */
export function startEventWebhooks(workspace: Pick<Workspace, 'events' | 'logger'>, options: EventWebhookOptions) {
  const networks = options.allowedNetworks ?? (process.env[options.networksVariable] ?? '').split(',').filter(Boolean);
  const policy = createWebhookTargetPolicy(networks, options.networksVariable);
  const maxAttempts = options.maxAttempts ?? 5;
  const baseDelayMs = options.baseDelayMs ?? 1000;
  const controller = new AbortController();

  const deliver = async (event: MlpEvent) => {
    const webhook = await options.webhookFor(event);
    if (!webhook) return;
    for (let attempt = 0; attempt < maxAttempts && !controller.signal.aborted; attempt++) {
      const result = await deliverSignedWebhook({
        url: webhook.url,
        secret: webhook.secret,
        body: webhook.body,
        eventType: event.type,
        deliveryId: `${options.deliveryPrefix}-${event.id}`,
        policy,
        timeoutMs: options.timeoutMs ?? 10_000,
        userAgent: options.userAgent,
      });
      if (result.error === null) return;
      workspace.logger.warn(`${webhook.label} attempt ${attempt + 1} failed: ${result.error}`);
      await new Promise((resolve) => setTimeout(resolve, backoffDelay(attempt, { baseDelayMs, maxDelayMs: 60_000 })));
    }
    workspace.logger.error(`${webhook.label} was not delivered after ${maxAttempts} attempts`);
  };

  const subscription = workspace.events.subscribe(
    {
      consumer: options.consumer,
      types: options.types,
      signal: controller.signal,
      ...(options.pollIntervalMs !== undefined && { pollIntervalMs: options.pollIntervalMs }),
    },
    deliver,
  );
  return {
    async close() {
      controller.abort();
      await subscription.close();
    },
  };
}
