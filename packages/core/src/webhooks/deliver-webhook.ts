import { MlpError } from '../errors/mlp-error.js';
import { postWebhook } from './webhook-post.js';
import { signatureHeader, signBody } from './webhook-signature.js';
import { parseWebhookUrl, resolveWebhookTarget, type WebhookTargetPolicy } from './webhook-target.js';

export interface SignedWebhook {
  url: string;
  /** The webhook's secret: the body is signed with HMAC-SHA256 under it (`x-mlp-signature-256`). */
  secret: string;
  /** The raw JSON body, sent as is (the signature covers exactly these bytes). */
  body: string;
  /** `x-mlp-event`: what happened (`registry.alias_set`). */
  eventType: string;
  /** `x-mlp-delivery`: the id receivers de-duplicate redeliveries by. */
  deliveryId: string;
  /** Where webhooks may go: `createWebhookTargetPolicy(allowedNetworks)`. */
  policy: WebhookTargetPolicy;
  /** How long the POST may take. */
  timeoutMs: number;
  /** `user-agent`, naming the sender (`mlp-registry-webhooks`). */
  userAgent: string;
}

/** How one attempt went: `error` is null when the receiver answered 2xx. */
export interface WebhookAttempt {
  status: number | null;
  error: string | null;
}

/**
 * One signed delivery attempt, for every package that sends webhooks (registry, deploy, monitor). The
 * target is checked at every attempt, since a host may resolve elsewhere now than when the webhook was
 * created, and the request connects only to the addresses checked. Never throws: a refusal or a network
 * failure is an attempt that failed, for the caller's retry schedule.
 */
export async function deliverSignedWebhook(webhook: SignedWebhook): Promise<WebhookAttempt> {
  try {
    const url = parseWebhookUrl(webhook.url);
    const addresses = await resolveWebhookTarget(url, webhook.policy);
    const status = await postWebhook({
      url,
      addresses,
      headers: {
        'content-type': 'application/json',
        'user-agent': webhook.userAgent,
        'x-mlp-event': webhook.eventType,
        'x-mlp-delivery': webhook.deliveryId,
        [signatureHeader]: signBody(webhook.secret, webhook.body),
      },
      body: webhook.body,
      timeoutMs: webhook.timeoutMs,
    });
    if (status >= 300 && status < 400)
      return {
        status,
        error: `the receiver answered HTTP ${status}, a redirect, which is not followed: point the webhook at the final URL`,
      };
    if (status < 200 || status >= 300) return { status, error: `the receiver answered HTTP ${status}` };
    return { status, error: null };
  } catch (caught) {
    // The target policy's answers (a refused address, a URL with credentials) are refusals, not network failures.
    const refused = MlpError.isInstance(caught) && caught.code !== 'UNAVAILABLE';
    return { status: null, error: `${refused ? 'refused' : 'the request failed'}: ${(caught as Error).message}` };
  }
}
