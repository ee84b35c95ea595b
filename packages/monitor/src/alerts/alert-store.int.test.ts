import type { MlpEvent } from '@mlp/core';
import { openTestWorkspace, type TestWorkspace } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAlertRules } from './alert-rules.js';
import { type AlertEventPayload, type AlertStore, monitorAlertEvents, openAlertStore } from './alert-store.js';

const minute = 60_000;
const rules = parseAlertRules([
  { name: 'drift', metric: 'drift_share', op: '>=', threshold: 0.5, forMs: 10 * minute },
  { name: 'column', metric: 'column_score', op: '<', threshold: 0.05 },
]);

let test: TestWorkspace;
let store: AlertStore;
beforeAll(async () => {
  test = await openTestWorkspace('postgres', 'mlp-monitor-alerts-');
  store = await openAlertStore(test.workspace);
  await subscribeToAlerts();
});
afterAll(async () => {
  stop.abort();
  await test?.cleanup();
});

const seen: MlpEvent<AlertEventPayload>[] = [];
const stop = new AbortController();

/** Polls until `count` alert events arrived through the durable subscription. */
async function alertEvents(count: number): Promise<MlpEvent<AlertEventPayload>[]> {
  while (seen.filter((event) => event.type !== 'test.ready').length < count) await new Promise((resolve) => setTimeout(resolve, 20));
  return seen.filter((event) => event.type !== 'test.ready');
}

/** Subscribes, then waits for a marker event, so the consumer's cursor is in place before any alert. */
async function subscribeToAlerts(): Promise<void> {
  test.workspace.events.subscribe(
    {
      consumer: 'alerts-test',
      types: ['test.ready', monitorAlertEvents.fired, monitorAlertEvents.resolved],
      signal: stop.signal,
      pollIntervalMs: 50,
    },
    (event) => {
      seen.push(event as MlpEvent<AlertEventPayload>);
    },
  );
  while (!seen.some((event) => event.type === 'test.ready')) {
    await test.workspace.events.publish('test.ready', {});
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('alerts stored in the workspace', () => {
  it('fire after `for`, once, resolve, and publish each as a durable event with the alert row', async () => {
    const drift = (value: number) => [{ metric: 'drift_share' as const, value }];
    expect(await store.evaluate('flights', rules, drift(0.6), 0)).toEqual([]);
    expect((await store.list({ monitor: 'flights', open: true })).map((alert) => alert.state)).toEqual(['pending']);
    const fired = await store.evaluate('flights', rules, drift(0.7), 10 * minute);
    expect(fired.map((t) => t.kind)).toEqual(['fired']);
    expect(await store.evaluate('flights', rules, drift(0.8), 15 * minute)).toEqual([]);
    const [open] = await store.list({ monitor: 'flights', open: true });
    expect(open).toMatchObject({ state: 'firing', firedAt: 10 * minute, value: 0.8, activeSince: 0 });
    expect((await store.evaluate('flights', rules, drift(0.1), 20 * minute)).map((t) => t.kind)).toEqual(['resolved']);
    expect(await store.list({ monitor: 'flights', open: true })).toEqual([]);
    const [history] = await store.list({ monitor: 'flights' });
    expect(history).toMatchObject({ alertId: open?.alertId, state: 'resolved', resolvedAt: 20 * minute });

    const events = await alertEvents(2);
    expect(events.map((event) => event.type)).toEqual(['monitor.alert_fired', 'monitor.alert_resolved']);
    expect(events[0]?.payload).toMatchObject({
      alertId: open?.alertId,
      monitor: 'flights',
      rule: 'drift',
      severity: 'warning',
      value: 0.7,
    });
    expect(events[1]?.payload).toMatchObject({ alertId: open?.alertId, at: 20 * minute });
  });

  it('keep one open alert per column and monitor, and drop a pending alert that never fired', async () => {
    const scores = (delay: number) => [{ metric: 'column_score' as const, column: 'delay', value: delay }];
    await store.evaluate('other', rules, scores(0.01), 0);
    await store.evaluate('other', rules, scores(0.01), minute);
    const open = await store.list({ monitor: 'other', open: true });
    expect(open.map((alert) => [alert.key, alert.state])).toEqual([['column:delay', 'firing']]);
    await store.evaluate('other', rules, [{ metric: 'drift_share', value: 0.9 }], 2 * minute);
    await store.evaluate('other', rules, [], 3 * minute);
    const all = await store.list({ monitor: 'other' });
    expect(all.map((alert) => [alert.key, alert.state])).toEqual([['column:delay', 'resolved']]);
  });
});
