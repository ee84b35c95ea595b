import { startEventWebhooks, type Workspace } from '@mlp/core';
import type { DeploymentSpec } from '../deployment/deployment-spec.js';
import { deploymentWebhookSecret, findDeployment } from '../deployment/deployment-store.js';

export interface RollbackWebhookOptions {
  /** Networks webhooks may reach besides public addresses (`MLP_DEPLOY_WEBHOOK_ALLOWED_NETWORKS`), e.g. `127.0.0.1/32`. */
  allowedNetworks?: readonly string[];
  /** Attempts per event before giving up (each a signed POST; waits grow with full jitter). */
  maxAttempts?: number;
  baseDelayMs?: number;
  timeoutMs?: number;
  /** The durable consumer (default `deploy.webhooks`). */
  consumer?: string;
  pollIntervalMs?: number;
}

export const deployWebhookNetworksVariable = 'MLP_DEPLOY_WEBHOOK_ALLOWED_NETWORKS';

/**
 * Sends a signed webhook for each `deployment.rolled_back` to the deployment's `webhookUrl`. It reads
 * the durable events with its own cursor, so a rollback recorded while no controller ran is still
 * announced, and a delivery cut by a crash is sent again (receivers de-duplicate by `x-mlp-delivery`).
 */
export function startRollbackWebhooks(workspace: Workspace, options: RollbackWebhookOptions = {}) {
  return startEventWebhooks(workspace, {
    ...options,
    consumer: options.consumer ?? 'deploy.webhooks',
    types: ['deployment.rolled_back'],
    deliveryPrefix: 'deploy',
    userAgent: 'mlp-deploy-webhooks',
    networksVariable: deployWebhookNetworksVariable,
    async webhookFor(event) {
      const payload = event.payload as { name: string };
      const deployment = await findDeployment(workspace, payload.name);
      const url = (deployment?.spec as DeploymentSpec | undefined)?.webhookUrl;
      if (!url) return undefined;
      const secret = (await deploymentWebhookSecret(workspace, payload.name)) ?? '';
      const body = JSON.stringify({ event_id: event.id, event_type: event.type, created_at: event.createdAt.toISOString(), payload });
      return { url, secret, body, label: `deployment '${payload.name}': rollback webhook` };
    },
  });
}
