import { backoffDelay, createWebhookTargetPolicy, deliverSignedWebhook, type MlpEvent, type Workspace } from '@mlp/core';
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
  const networks = options.allowedNetworks ?? (process.env[deployWebhookNetworksVariable] ?? '').split(',').filter(Boolean);
  const policy = createWebhookTargetPolicy(networks, deployWebhookNetworksVariable);
  const maxAttempts = options.maxAttempts ?? 5;
  const baseDelayMs = options.baseDelayMs ?? 1000;
  const controller = new AbortController();

  const deliver = async (event: MlpEvent) => {
    const payload = event.payload as { name: string };
    const deployment = await findDeployment(workspace, payload.name);
    const spec = deployment?.spec as DeploymentSpec | undefined;
    if (!spec?.webhookUrl) return;
    const secret = (await deploymentWebhookSecret(workspace, payload.name)) ?? '';
    const body = JSON.stringify({ event_id: event.id, event_type: event.type, created_at: event.createdAt.toISOString(), payload });
    for (let attempt = 0; attempt < maxAttempts && !controller.signal.aborted; attempt++) {
      const result = await deliverSignedWebhook({
        url: spec.webhookUrl,
        secret,
        body,
        eventType: event.type,
        deliveryId: `deploy-${event.id}`,
        policy,
        timeoutMs: options.timeoutMs ?? 10_000,
        userAgent: 'mlp-deploy-webhooks',
      });
      if (result.error === null) return;
      workspace.logger.warn(`deployment '${payload.name}': rollback webhook attempt ${attempt + 1} failed: ${result.error}`);
      await new Promise((resolve) => setTimeout(resolve, backoffDelay(attempt, { baseDelayMs, maxDelayMs: 60_000 })));
    }
    workspace.logger.error(`deployment '${payload.name}': the rollback webhook was not delivered after ${maxAttempts} attempts`);
  };

  const subscription = workspace.events.subscribe(
    {
      consumer: options.consumer ?? 'deploy.webhooks',
      types: ['deployment.rolled_back'],
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
