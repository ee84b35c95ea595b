import { MlpError } from '@mlp/core';
import { describe, expect, it } from 'vitest';
import { encodeEntityKey, expired, featureIndexes, latestPerEntity, layoutOf, type OnlineView } from './online-view.js';

const view: OnlineView = {
  name: 'route_stats',
  joinKeys: [
    { name: 'origin', type: 'string' },
    { name: 'hour', type: 'int64' },
  ],
  features: [
    { name: 'delay', type: 'float64' },
    { name: 'busy', type: 'bool' },
  ],
  ttlMs: 1000,
};
const single: OnlineView = { ...view, joinKeys: [{ name: 'carrier', type: 'string' }] };

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return MlpError.isInstance(error) ? error.code : 'not an MlpError';
  }
  return 'returned';
}

describe('entity keys', () => {
  it('are the value of a single key, or a JSON array of several; int64 keys read 7, "7" and " 07" alike', () => {
    expect(encodeEntityKey(single, ['AA'])).toBe('AA');
    expect(encodeEntityKey(single, [42])).toBe('42');
    expect(encodeEntityKey(view, ['JFK', 7])).toBe('["JFK","7"]');
    expect(encodeEntityKey(view, ['JFK', ' 07'])).toBe('["JFK","7"]');
    // A value holding the separator of another encoding cannot collide: JSON quotes it.
    expect(encodeEntityKey(view, ['J","7', 7])).not.toBe(encodeEntityKey(view, ['J', 7]));
  });

  it('refuse a wrong number of values and an int64 key that is not a whole number', () => {
    expect(codeOf(() => encodeEntityKey(view, ['JFK']))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => encodeEntityKey(view, ['JFK', 7.5]))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => encodeEntityKey(view, ['JFK', 'seven']))).toBe('INVALID_ARGUMENT');
  });
});

describe('rows and reads', () => {
  it('keep the newest row per entity, the later one on equal times', () => {
    const latest = latestPerEntity(single, [
      { key: ['AA'], eventTs: 5, values: [1, true] },
      { key: ['AA'], eventTs: 9, values: [2, true] },
      { key: ['AA'], eventTs: 9, values: [3, false] },
      { key: ['AA'], eventTs: 1, values: [4, true] },
      { key: ['UA'], eventTs: 1, values: [5, true] },
    ]);
    expect([...latest].map(([key, row]) => [key, row.values])).toEqual([
      ['AA', [3, false]],
      ['UA', [5, true]],
    ]);
    expect(codeOf(() => latestPerEntity(single, [{ key: ['AA'], eventTs: 1.5, values: [1, true] }]))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => latestPerEntity(single, [{ key: ['AA'], eventTs: 1, values: [1] }]))).toBe('INVALID_ARGUMENT');
  });

  it('judge the TTL at its end: a value is served until eventTs + ttl, not at it; 0 = forever', () => {
    expect(expired(view, 1000, 1999)).toBe(false);
    expect(expired(view, 1000, 2000)).toBe(true);
    expect(expired({ ...view, ttlMs: 0 }, 0, Number.MAX_SAFE_INTEGER)).toBe(false);
  });

  it('name features by position, NOT_FOUND for one the view lacks; a layout changes with names, order or types', () => {
    expect(featureIndexes(view, undefined)).toEqual([0, 1]);
    expect(featureIndexes(view, ['busy'])).toEqual([1]);
    expect(codeOf(() => featureIndexes(view, ['nope']))).toBe('NOT_FOUND');
    const reordered = { ...view, features: [view.features[1], view.features[0]] } as OnlineView;
    const retyped = { ...view, features: [{ name: 'delay', type: 'int64' }, view.features[1]] } as OnlineView;
    expect(new Set([layoutOf(view), layoutOf(reordered), layoutOf(retyped)]).size).toBe(3);
    expect(layoutOf({ ...view, ttlMs: 5 })).toBe(layoutOf(view));
  });
});
