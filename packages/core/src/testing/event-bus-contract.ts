import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/database.js';
import { MlpError } from '../errors/mlp-error.js';
import type { EventBus, MlpEvent } from '../events/event-bus.js';

export interface EventBusHarness {
  /** A bus and its database; each call is a new connection pool on the same database. */
  open(): Promise<{ events: EventBus; db: Database; close(): Promise<void> }>;
  cleanup?(): Promise<void>;
}

let consumerCount = 0;
const uniqueConsumer = (label: string) => `contract-${label}-${process.pid}-${++consumerCount}`;

/** At-least-once delivery in commit order, transactional publishing, durable cursors, one active consumer per name. */
export function runEventBusContract(name: string, createHarness: () => Promise<EventBusHarness>): void {
  describe(`event bus contract: ${name}`, () => {
    let harness: EventBusHarness;
    let a: Awaited<ReturnType<EventBusHarness['open']>>;
    let b: Awaited<ReturnType<EventBusHarness['open']>>;

    beforeAll(async () => {
      harness = await createHarness();
      a = await harness.open();
      b = await harness.open();
    });

    afterAll(async () => {
      await b?.close();
      await a?.close();
      await harness?.cleanup?.();
    });

    function collect(bus: EventBus, consumer: string, types: readonly string[] | '*', handler?: (event: MlpEvent) => Promise<void> | void) {
      const seen: MlpEvent[] = [];
      const subscription = bus.subscribe({ consumer, types, pollIntervalMs: 50, retryDelayMs: 20 }, async (event) => {
        await handler?.(event);
        seen.push(event);
      });
      return { seen, subscription };
    }

    it('delivers published events of the subscribed types, in order, with their payloads', async () => {
      const type = `ordered.${consumerCount}`;
      const { seen, subscription } = collect(b.events, uniqueConsumer('ordered'), [type]);
      await subscription.ready;
      for (let i = 0; i < 20; i++) await a.events.publish(type, { i, nested: { ok: true } });
      await a.events.publish(`${type}.other`, { ignored: true });
      await waitFor(() => seen.length >= 20);
      await subscription.close();
      expect(seen.map((event) => (event.payload as { i: number }).i)).toEqual(Array.from({ length: 20 }, (_, i) => i));
      expect(seen.every((event) => event.type === type)).toBe(true);
      expect(seen[0]?.payload).toEqual({ i: 0, nested: { ok: true } });
    });

    it('publishes with the transaction: a rollback publishes nothing, a commit publishes once', async () => {
      const type = `tx.${consumerCount}`;
      const { seen, subscription } = collect(b.events, uniqueConsumer('tx'), [type]);
      await subscription.ready;
      await expect(
        a.db.transaction(async (tx) => {
          await a.events.publish(type, { outcome: 'rolled back' }, { tx });
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      await a.db.transaction(async (tx) => {
        await a.events.publish(type, { outcome: 'committed' }, { tx });
      });
      await waitFor(() => seen.length >= 1);
      await settle();
      await subscription.close();
      expect(seen.map((event) => event.payload)).toEqual([{ outcome: 'committed' }]);
    });

    it('never skips an event whose transaction commits after a later one', async () => {
      const type = `late.${consumerCount}`;
      const { seen, subscription } = collect(b.events, uniqueConsumer('late'), [type]);
      await subscription.ready;
      let releaseSlow!: () => void;
      const slowMayCommit = new Promise<void>((resolve) => {
        releaseSlow = resolve;
      });
      const slow = a.db.transaction(async (tx) => {
        await a.events.publish(type, { which: 'slow' }, { tx });
        await slowMayCommit;
      });
      await settle();
      await b.events.publish(type, { which: 'fast' });
      await settle(); // the subscriber polls while the slow transaction is still open
      releaseSlow();
      await slow;
      await waitFor(() => seen.length >= 2);
      await subscription.close();
      expect(seen.map((event) => (event.payload as { which: string }).which).sort()).toEqual(['fast', 'slow']);
    });

    it('keeps a durable cursor: a consumer that comes back gets what it missed and nothing twice', async () => {
      const type = `durable.${consumerCount}`;
      const consumer = uniqueConsumer('durable');
      const first = collect(b.events, consumer, [type]);
      await first.subscription.ready;
      await a.events.publish(type, { n: 1 });
      await waitFor(() => first.seen.length >= 1);
      await first.subscription.close();

      await a.events.publish(type, { n: 2 });
      await a.events.publish(type, { n: 3 });
      const second = collect(b.events, consumer, [type]);
      await waitFor(() => second.seen.length >= 2);
      await settle();
      await second.subscription.close();
      expect(second.seen.map((event) => (event.payload as { n: number }).n)).toEqual([2, 3]);
    });

    it('starts a new consumer after the events that exist when it subscribes', async () => {
      const type = `fresh.${consumerCount}`;
      await a.events.publish(type, { before: true });
      const { seen, subscription } = collect(b.events, uniqueConsumer('fresh'), [type]);
      await subscription.ready;
      await a.events.publish(type, { before: false });
      await waitFor(() => seen.length >= 1);
      await settle();
      await subscription.close();
      expect(seen.map((event) => event.payload)).toEqual([{ before: false }]);
    });

    it('redelivers an event until its handler succeeds, without moving past it', async () => {
      const type = `retry.${consumerCount}`;
      let failures = 2;
      const { seen, subscription } = collect(b.events, uniqueConsumer('retry'), [type], (event) => {
        if ((event.payload as { n: number }).n === 1 && failures-- > 0) throw new Error('transient');
      });
      await subscription.ready;
      await a.events.publish(type, { n: 1 });
      await a.events.publish(type, { n: 2 });
      await waitFor(() => seen.length >= 2);
      await subscription.close();
      expect(failures).toBe(-1);
      expect(seen.map((event) => (event.payload as { n: number }).n)).toEqual([1, 2]);
    });

    it('lets one process at a time deliver a consumer; the standby takes over when it stops', async () => {
      const type = `single.${consumerCount}`;
      const consumer = uniqueConsumer('single');
      const active = collect(a.events, consumer, [type]);
      await active.subscription.ready;
      const standby = collect(b.events, consumer, [type]);
      await standby.subscription.ready;
      await a.events.publish(type, { n: 1 });
      await waitFor(() => active.seen.length + standby.seen.length >= 1);
      await active.subscription.close();
      await a.events.publish(type, { n: 2 });
      await waitFor(() => standby.seen.length >= 1, 10_000);
      await standby.subscription.close();
      expect(active.seen.map((event) => (event.payload as { n: number }).n)).toEqual([1]);
      expect(standby.seen.map((event) => (event.payload as { n: number }).n)).toEqual([2]);
    });

    it('rejects invalid event types and consumer names with INVALID_ARGUMENT', async () => {
      const error = await a.events.publish('bad type!', {}).catch((caught: unknown) => caught);
      expect(MlpError.isInstance(error) && error.code).toBe('INVALID_ARGUMENT');
      expect(() => a.events.subscribe({ consumer: '', types: '*' }, () => {})).toThrow(/Consumer name/);
    });
  });
}

// A pause that gives a wrong or extra delivery time to show up; no test needs it to pass (a test waits for
// `subscription.ready` before publishing what a new consumer must see).
const settle = () => new Promise((resolve) => setTimeout(resolve, 150));

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for events');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
