import { randomUUID } from 'node:crypto';
import type { MonitorAlert, Workspace } from '@mlp/core';
import { and, desc, eq, isNull } from 'drizzle-orm';
import { migrations } from '../generated/migrations.js';
import { alerts } from '../store/alert-schema.js';
import { type AlertObservation, type AlertRule, type AlertState, type AlertTransition, evaluateAlerts } from './alert-rules.js';

/** The durable events a monitor's alerts publish, in the transaction that changes the alert's row. */
export const monitorAlertEvents = { fired: 'monitor.alert_fired', resolved: 'monitor.alert_resolved' } as const;

/** An alert as this store keeps it: the shape core's `MonitorAlertReader` contract serves. */
export type StoredAlert = MonitorAlert;

export interface AlertEventPayload {
  alertId: string;
  monitor: string;
  rule: string;
  key: string;
  column: string | null;
  severity: string;
  value: number | null;
  activeSince: number;
  at: number;
}

export interface AlertStore {
  /**
   * Evaluates a monitor's rules on one window's values at `now`, against its open alerts: rows and
   * `monitor.alert_fired` / `monitor.alert_resolved` events are written in one transaction.
   */
  evaluate(
    monitor: string,
    rules: readonly AlertRule[],
    observations: readonly AlertObservation[],
    now: number,
  ): Promise<AlertTransition[]>;
  /** Alerts, newest first: `open` keeps pending and firing ones. */
  list(options?: { monitor?: string; open?: boolean; limit?: number }): Promise<StoredAlert[]>;
}

const toStored = (row: typeof alerts.$inferSelect): StoredAlert => ({
  alertId: row.alertId,
  monitor: row.monitor,
  rule: row.rule,
  key: row.key,
  column: row.column,
  severity: row.severity,
  state: row.state as StoredAlert['state'],
  value: row.value,
  activeSince: row.activeSince,
  firedAt: row.firedAt,
  resolvedAt: row.resolvedAt,
});

/** Opens the alert store (table `monitor_alerts`), applying the monitor's migrations first. */
export async function openAlertStore(workspace: Pick<Workspace, 'db' | 'migrate' | 'events'>): Promise<AlertStore> {
  await workspace.migrate(migrations);
  const db = workspace.db;
  return {
    async evaluate(monitor, rules, observations, now) {
      return db.transaction(async (tx) => {
        const open = await tx
          .select()
          .from(alerts)
          .where(and(eq(alerts.monitor, monitor), isNull(alerts.resolvedAt)))
          .for('update');
        const byKey = new Map(open.map((row) => [row.key, row]));
        const previous: AlertState[] = open.map((row) => ({
          rule: row.rule,
          key: row.key,
          column: row.column,
          state: row.state === 'firing' ? 'firing' : 'pending',
          activeSince: row.activeSince,
          firedAt: row.firedAt,
          value: row.value ?? Number.NaN,
        }));
        const severity = new Map(rules.map((rule) => [rule.name, rule.severity]));
        const { states, transitions } = evaluateAlerts(rules, observations, previous, now);
        const ids = new Map<string, string>();
        for (const state of states) {
          const row = byKey.get(state.key);
          if (row) {
            await tx
              .update(alerts)
              .set({ state: state.state, value: state.value, firedAt: state.firedAt, updatedAt: now })
              .where(eq(alerts.alertId, row.alertId));
            ids.set(state.key, row.alertId);
          } else {
            const alertId = randomUUID();
            await tx.insert(alerts).values({
              alertId,
              monitor,
              rule: state.rule,
              key: state.key,
              column: state.column,
              severity: severity.get(state.rule) ?? 'warning',
              state: state.state,
              value: state.value,
              activeSince: state.activeSince,
              firedAt: state.firedAt,
              resolvedAt: null,
              updatedAt: now,
            });
            ids.set(state.key, alertId);
          }
        }
        const stillOpen = new Set(states.map((state) => state.key));
        for (const row of open) {
          if (stillOpen.has(row.key)) continue;
          // a firing alert resolves (kept as history); a pending one that never fired is dropped
          if (row.state === 'firing') {
            await tx.update(alerts).set({ state: 'resolved', resolvedAt: now, updatedAt: now }).where(eq(alerts.alertId, row.alertId));
            ids.set(row.key, row.alertId);
          } else {
            await tx.delete(alerts).where(eq(alerts.alertId, row.alertId));
          }
        }
        for (const transition of transitions) {
          const payload: AlertEventPayload = {
            alertId: ids.get(transition.key) as string,
            monitor,
            rule: transition.rule,
            key: transition.key,
            column: transition.column,
            severity: transition.severity,
            value: transition.value,
            activeSince: transition.activeSince,
            at: transition.at,
          };
          await workspace.events.publish(monitorAlertEvents[transition.kind], payload, { tx });
        }
        return transitions;
      });
    },

    async list(options = {}) {
      const conditions = [
        ...(options.monitor ? [eq(alerts.monitor, options.monitor)] : []),
        ...(options.open ? [isNull(alerts.resolvedAt)] : []),
      ];
      const rows = await db.drizzle
        .select()
        .from(alerts)
        .where(conditions.length ? and(...conditions) : undefined)
        .orderBy(desc(alerts.activeSince), desc(alerts.updatedAt))
        .limit(options.limit ?? 100);
      return rows.map(toStored);
    },
  };
}
