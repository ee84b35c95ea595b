import { MlpError } from '@mlp/core';
import { describe, expect, it } from 'vitest';
import { tableFromRecords } from './table-from-records.js';

describe('tableFromRecords', () => {
  it('collects every key in first-seen order, absent fields as null', () => {
    const when = new Date('2024-01-01T00:00:00Z');
    const table = tableFromRecords([
      { a: 1, b: 'x' },
      { b: undefined, c: when },
      { a: 10n, c: null, d: true },
    ]);
    expect(table.rowCount).toBe(3);
    expect([...table.columns.keys()]).toEqual(['a', 'b', 'c', 'd']);
    expect(table.columns.get('a')).toEqual([1, null, 10]);
    expect(table.columns.get('b')).toEqual(['x', null, null]);
    expect(table.columns.get('c')?.[1]).toBe(when);
    expect(table.columns.get('d')).toEqual([null, null, true]);
  });

  it('reads only the named columns', () => {
    const table = tableFromRecords([{ a: 1, b: 2 }], ['b', 'z']);
    expect([...table.columns.keys()]).toEqual(['b', 'z']);
    expect(table.columns.get('z')).toEqual([null]);
  });

  it('refuses nested objects and arrays with INVALID_ARGUMENT', () => {
    for (const value of [{ nested: 1 }, [1, 2]]) {
      const error = (() => {
        try {
          tableFromRecords([{ a: 1 }, { a: value }]);
        } catch (caught) {
          return caught;
        }
      })();
      expect(MlpError.isInstance(error) && error.code).toBe('INVALID_ARGUMENT');
      expect((error as Error).message).toContain('Record 1');
    }
  });
});
