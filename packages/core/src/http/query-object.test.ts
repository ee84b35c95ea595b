import { describe, expect, it } from 'vitest';
import { queryObject } from './query-object.js';

describe('queryObject', () => {
  it('keeps single keys as strings and repeated keys as lists, in order', () => {
    expect(queryObject('run_id=abc&experiment_ids=1&experiment_ids=2')).toEqual({ run_id: 'abc', experiment_ids: ['1', '2'] });
  });

  it('reads key[] and key[0] as the list key, even with one value', () => {
    expect(queryObject('experiment_ids%5B%5D=7')).toEqual({ experiment_ids: ['7'] });
    expect(queryObject('order_by[0]=a&order_by[1]=b')).toEqual({ order_by: ['a', 'b'] });
  });

  it('decodes values and treats an empty query as no parameters', () => {
    expect(queryObject("filter=name%20ILIKE%20'%25x%25'&path=a+b")).toEqual({ filter: "name ILIKE '%x%'", path: 'a b' });
    expect(queryObject('')).toEqual({});
  });
});
