import { MlpError, type MlpEvent, startEventWebhooks, type Workspace } from '@mlp/core';
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
  let store: Promise<MonitorStore> | undefined;
  return startEventWebhooks(workspace, {
    ...options,
    consumer: options.consumer ?? 'monitor.webhooks',
    types: [monitorAlertEvents.fired, monitorAlertEvents.resolved],
    deliveryPrefix: 'monitor',
    userAgent: 'mlp-monitor-webhooks',
    networksVariable: monitorWebhookNetworksVariable,
    async webhookFor(event) {
      const payload = event.payload as AlertEventPayload;
      store ??= openMonitorStore(workspace);
      const monitors = await store;
      const found = await monitors.get(payload.monitor).catch((error: unknown) => {
        if (MlpError.isInstance(error) && error.code === 'NOT_FOUND') return undefined;
        throw error;
      });
      const url = found?.spec.webhookUrl;
      if (!url) return undefined;
      const secret = (await monitors.webhookSecret(payload.monitor)) ?? '';
      return { url, secret, body: alertWebhookBody(event, payload), label: `monitor '${payload.monitor}': alert webhook` };
    },
  });
}
