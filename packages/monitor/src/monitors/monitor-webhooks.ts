import { backoffDelay, createWebhookTargetPolicy, deliverSignedWebhook, MlpError, type MlpEvent, type Workspace } from '@mlp/core';
import { type AlertEventPayload, monitorAlertEvents } from '../alerts/alert-store.js';
import { type MonitorStore, openMonitorStore } from './monitor-store.js';

export interface MonitorWebhookOptions {
  /** Networks webhooks may reach besides public addresses (`MLP_MONITOR_WEBHOOK_ALLOWED_NETWORKS`), e.g. `127.0.0.1/32`. */
  allowedNetworks?: readonly string[];
  /** Attempts per event before giving up (each a signed POST; waits grow with full jitter). */
  maxAttempts?: number;
  baseDelayMs?: number;
  timeoutMs?: number;
  /** The durable consumer (default `monitor.webhooks`). */
  consumer?: string;
  pollIntervalMs?: number;
}

export const monitorWebhookNetworksVariable = 'MLP_MONITOR_WEBHOOK_ALLOWED_NETWORKS';

/** The body a receiver gets: the event's id, type and time, and the alert (snake_case, epoch ms). */
export function alertWebhookBody(event: Pick<MlpEvent, 'id' | 'type' | 'createdAt'>, payload: AlertEventPayload): string {
  return JSON.stringify({
    event_id: event.id,
    event_type: event.type,
    created_at: event.createdAt.getTime(),
    alert: {
      alert_id: payload.alertId,
      monitor: payload.monitor,
      rule: payload.rule,
      key: payload.key,
      column: payload.column,
      severity: payload.severity,
      value: payload.value,
      active_since: payload.activeSince,
      at: payload.at,
    },
  });
}

/**
 * Sends each `monitor.alert_fired` and `monitor.alert_resolved` to its monitor's `webhookUrl`, signed
 * with the monitor's secret through core's delivery (`x-mlp-signature-256`). The events are read with a
 * durable cursor, so an alert raised while no sender ran is still announced; a delivery cut by a crash
 * is sent again (receivers de-duplicate by `x-mlp-delivery`).
 */
export function startMonitorWebhooks(workspace: Workspace, options: MonitorWebhookOptions = {}) {
  const networks = options.allowedNetworks ?? (process.env[monitorWebhookNetworksVariable] ?? '').split(',').filter(Boolean);
  const policy = createWebhookTargetPolicy(networks, monitorWebhookNetworksVariable);
  const maxAttempts = options.maxAttempts ?? 5;
  const baseDelayMs = options.baseDelayMs ?? 1000;
  const controller = new AbortController();
  let store: Promise<MonitorStore> | undefined;

  const deliver = async (event: MlpEvent) => {
    const payload = event.payload as AlertEventPayload;
    store ??= openMonitorStore(workspace);
    const monitors = await store;
    const found = await monitors.get(payload.monitor).catch((error: unknown) => {
      if (MlpError.isInstance(error) && error.code === 'NOT_FOUND') return undefined;
      throw error;
    });
    const url = found?.spec.webhookUrl;
    if (!url) return;
    const secret = (await monitors.webhookSecret(payload.monitor)) ?? '';
    const body = alertWebhookBody(event, payload);
    for (let attempt = 0; attempt < maxAttempts && !controller.signal.aborted; attempt++) {
      const result = await deliverSignedWebhook({
        url,
        secret,
        body,
        eventType: event.type,
        deliveryId: `monitor-${event.id}`,
        policy,
        timeoutMs: options.timeoutMs ?? 10_000,
        userAgent: 'mlp-monitor-webhooks',
      });
      if (result.error === null) return;
      workspace.logger.warn(`monitor '${payload.monitor}': alert webhook attempt ${attempt + 1} failed: ${result.error}`);
      await new Promise((resolve) => setTimeout(resolve, backoffDelay(attempt, { baseDelayMs, maxDelayMs: 60_000 })));
    }
    workspace.logger.error(`monitor '${payload.monitor}': the alert webhook was not delivered after ${maxAttempts} attempts`);
  };

  const subscription = workspace.events.subscribe(
    {
      consumer: options.consumer ?? 'monitor.webhooks',
      types: [monitorAlertEvents.fired, monitorAlertEvents.resolved],
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
