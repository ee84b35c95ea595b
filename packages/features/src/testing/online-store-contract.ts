import { MlpError } from '@mlp/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OnlineStore } from '../online/online-store.js';
import type { OnlineView } from '../online/online-view.js';

export interface OnlineStoreHarness {
  store: OnlineStore;
  /** Removes what the store wrote (a test database, a key prefix) and closes it. */
  cleanup?: () => Promise<void>;
}

const hour = 3_600_000;

function viewOf(
  name: string,
  features: Record<string, OnlineView['features'][number]['type']>,
  extra: Partial<OnlineView> = {},
): OnlineView {
  return {
    name,
    joinKeys: [{ name: 'carrier', type: 'string' }],
    features: Object.entries(features).map(([feature, type]) => ({ name: feature, type })),
    ttlMs: 0,
    ...extra,
  };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return MlpError.isInstance(error) ? error.code : `not an MlpError: ${String(error)}`;
  }
  return 'resolved';
}

/**
 * The behaviour every online store shares: newest event time wins, TTL, feature selection, keys of
 * several join keys, reading values written under another version of a view, watermarks, deletion.
 * `open` is called once; the suite writes views named `contract_*` only.
 */
export function runOnlineStoreContract(name: string, open: () => Promise<OnlineStoreHarness>): void {
  describe(`online store contract: ${name}`, () => {
    let harness: OnlineStoreHarness;
    let store: OnlineStore;
    beforeAll(async () => {
      harness = await open();
      store = harness.store;
    }, 60_000);
    afterAll(async () => {
      if (harness?.cleanup) await harness.cleanup();
      else await harness?.store.close();
    });

    const stats = viewOf('contract_stats', { delay: 'float64', flights: 'int64', hub: 'string', active: 'bool', seen: 'timestamp' });
    const t0 = Date.now() - hour;

    it('reads back what it wrote, by name and in the order of the keys asked; an unknown entity is null', async () => {
      const result = await store.write(stats, [
        { key: ['AA'], eventTs: t0, values: [12.5, 40, 'DFW', true, t0 - 5] },
        { key: ['UA'], eventTs: t0, values: [-3.25, 7, 'ORD', false, null] },
      ]);
      expect(result).toEqual({ written: 2, skipped: 0 });
      const read = await store.read(stats, [['UA'], ['ZZ'], ['AA'], ['UA']]);
      expect(read).toEqual([
        { delay: -3.25, flights: 7, hub: 'ORD', active: false, seen: null },
        null,
        { delay: 12.5, flights: 40, hub: 'DFW', active: true, seen: t0 - 5 },
        { delay: -3.25, flights: 7, hub: 'ORD', active: false, seen: null },
      ]);
      expect(await store.read(stats, [])).toEqual([]);
    });

    it('returns only the features asked for, in that order; an unknown feature is NOT_FOUND', async () => {
      const [row] = await store.read(stats, [['AA']], { features: ['hub', 'delay'] });
      expect(row).toEqual({ hub: 'DFW', delay: 12.5 });
      expect(Object.keys(row ?? {})).toEqual(['hub', 'delay']);
      expect(await codeOf(store.read(stats, [['AA']], { features: ['nope'] }))).toBe('NOT_FOUND');
    });

    it('keeps the value with the newest event time: an older write is skipped, an equal one replaces', async () => {
      const view = viewOf('contract_newest', { v: 'int64' });
      await store.write(view, [{ key: ['AA'], eventTs: t0 + 200, values: [2] }]);
      expect(await store.write(view, [{ key: ['AA'], eventTs: t0 + 100, values: [1] }])).toEqual({ written: 0, skipped: 1 });
      expect(await store.read(view, [['AA']])).toEqual([{ v: 2 }]);
      expect(await store.write(view, [{ key: ['AA'], eventTs: t0 + 200, values: [3] }])).toEqual({ written: 1, skipped: 0 });
      expect(await store.read(view, [['AA']])).toEqual([{ v: 3 }]);
      await store.write(view, [{ key: ['AA'], eventTs: t0 + 300, values: [4] }]);
      expect(await store.read(view, [['AA']])).toEqual([{ v: 4 }]);
    });

    it('writes the newest row of each entity when a batch holds several', async () => {
      const view = viewOf('contract_batch', { v: 'int64' });
      const result = await store.write(view, [
        { key: ['AA'], eventTs: t0 + 5, values: [5] },
        { key: ['AA'], eventTs: t0 + 9, values: [9] },
        { key: ['AA'], eventTs: t0 + 1, values: [1] },
        { key: ['DL'], eventTs: t0 + 1, values: [10] },
      ]);
      expect(result).toEqual({ written: 2, skipped: 2 });
      expect(await store.read(view, [['AA'], ['DL']])).toEqual([{ v: 9 }, { v: 10 }]);
    });

    it("serves a value until the view's TTL has passed since its event time, then null", async () => {
      const view = viewOf('contract_ttl', { v: 'float64' }, { ttlMs: 2 * hour });
      const eventTs = Date.now() - hour;
      await store.write(view, [{ key: ['AA'], eventTs, values: [1.5] }]);
      expect(await store.read(view, [['AA']])).toEqual([{ v: 1.5 }]);
      expect(await store.read(view, [['AA']], { now: eventTs + 2 * hour - 1 })).toEqual([{ v: 1.5 }]);
      expect(await store.read(view, [['AA']], { now: eventTs + 2 * hour })).toEqual([null]);
      // A row already past its TTL is not written at all.
      expect(await store.write(view, [{ key: ['UA'], eventTs: Date.now() - 3 * hour, values: [2] }])).toEqual({ written: 0, skipped: 1 });
      expect(await store.read(view, [['UA']])).toEqual([null]);
    });

    it('keys an entity by several join keys; an int64 key reads the same as 42 or "42"', async () => {
      const view: OnlineView = {
        name: 'contract_route',
        joinKeys: [
          { name: 'origin', type: 'string' },
          { name: 'dest', type: 'string' },
          { name: 'hour', type: 'int64' },
        ],
        features: [{ name: 'delay', type: 'float64' }],
        ttlMs: 0,
      };
      await store.write(view, [
        { key: ['JFK', 'LAX', 7], eventTs: t0, values: [3] },
        { key: ['LAX', 'JFK', '7'], eventTs: t0, values: [4] },
      ]);
      expect(
        await store.read(view, [
          ['JFK', 'LAX', '7'],
          ['LAX', 'JFK', 7],
          ['JFK', 'LAX', 8],
        ]),
      ).toEqual([{ delay: 3 }, { delay: 4 }, null]);
      expect(await codeOf(store.read(view, [['JFK', 'LAX']]))).toBe('INVALID_ARGUMENT');
      expect(await codeOf(store.read(view, [['JFK', 'LAX', 'seven']]))).toBe('INVALID_ARGUMENT');
    });

    it('reads values written under an earlier version of the view by name (a new feature is null)', async () => {
      const v1 = viewOf('contract_versions', { a: 'int64', b: 'string' });
      const v2 = viewOf('contract_versions', { b: 'string', c: 'float64' });
      await store.write(v1, [{ key: ['AA'], eventTs: t0, values: [1, 'one'] }]);
      await store.write(v2, [{ key: ['UA'], eventTs: t0, values: ['two', 2.5] }]);
      expect(await store.read(v2, [['AA'], ['UA']])).toEqual([
        { b: 'one', c: null },
        { b: 'two', c: 2.5 },
      ]);
    });

    it('writes and reads thousands of entities in one call', async () => {
      const view = viewOf('contract_many', { x: 'int64', y: 'string' });
      const rows = Array.from({ length: 5000 }, (_, i) => ({ key: [`e${i}`], eventTs: t0 + i, values: [i, `y${i % 7}`] }));
      expect(await store.write(view, rows)).toEqual({ written: 5000, skipped: 0 });
      const keys = Array.from({ length: 2500 }, (_, i) => [`e${i * 2 + 1}`]);
      const read = await store.read(view, keys);
      expect(read).toHaveLength(2500);
      expect(read).toEqual(keys.map((_, i) => ({ x: i * 2 + 1, y: `y${(i * 2 + 1) % 7}` })));
    });

    it('records a watermark per view', async () => {
      expect(await store.getWatermark('contract_marks')).toBeNull();
      await store.setWatermark('contract_marks', { to: t0, version: 1 });
      await store.setWatermark('contract_marks', { to: t0 + 10, version: 2 });
      const mark = await store.getWatermark('contract_marks');
      expect(mark).toMatchObject({ to: t0 + 10, version: 2 });
      expect(mark?.updatedAt).toBeGreaterThanOrEqual(t0);
    });

    it('deletes one view: its values and watermark, no other view', async () => {
      const gone = viewOf('contract_gone', { v: 'int64' });
      const kept = viewOf('contract_kept', { v: 'int64' });
      await store.write(gone, [
        { key: ['AA'], eventTs: t0, values: [1] },
        { key: ['UA'], eventTs: t0, values: [2] },
      ]);
      await store.write(kept, [{ key: ['AA'], eventTs: t0, values: [3] }]);
      await store.setWatermark('contract_gone', { to: t0, version: 1 });
      await store.deleteView('contract_gone');
      expect(await store.read(gone, [['AA'], ['UA']])).toEqual([null, null]);
      expect(await store.getWatermark('contract_gone')).toBeNull();
      expect(await store.read(kept, [['AA']])).toEqual([{ v: 3 }]);
      // Writing again after a delete works from scratch, older times included.
      await store.write(gone, [{ key: ['AA'], eventTs: t0 - 10, values: [7] }]);
      expect(await store.read(gone, [['AA']])).toEqual([{ v: 7 }]);
    });

    it('keeps features named like Object properties as plain values (__proto__, constructor)', async () => {
      const view: OnlineView = {
        ...viewOf('contract_names', { placeholder: 'int64' }),
        features: [
          { name: '__proto__', type: 'string' },
          { name: 'constructor', type: 'int64' },
          { name: 'to_string', type: 'bool' },
        ],
      };
      const v2: OnlineView = { ...view, features: [view.features[1], view.features[0]] as OnlineView['features'] };
      await store.write(view, [{ key: ['AA'], eventTs: t0, values: ['x', 3, true] }]);
      for (const read of [await store.read(view, [['AA']]), await store.read(v2, [['AA']])]) {
        const row = read[0] as Record<string, unknown>;
        expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
        expect(Object.hasOwn(row, '__proto__')).toBe(true);
        expect(Object.getOwnPropertyDescriptor(row, '__proto__')?.value).toBe('x');
        expect(row.constructor).toBe(3);
      }
    });

    it('refuses a row whose values do not match the features, and a view name that is not an identifier', async () => {
      expect(await codeOf(store.write(stats, [{ key: ['AA'], eventTs: t0, values: [1] }]))).toBe('INVALID_ARGUMENT');
      expect(await codeOf(store.read({ ...stats, name: 'bad name*' }, [['AA']]))).toBe('INVALID_ARGUMENT');
    });
  });
}
