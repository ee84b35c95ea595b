import { MlpError } from '@mlp/core';
import { describe, expect, it } from 'vitest';
import { encodeOutput, outputBlobKey } from './output-store.js';

describe('encodeOutput', () => {
  it('encodes plain data as JSON and undefined as no output', () => {
    expect(encodeOutput({ a: [1, 'two', null, true], b: { c: 1.5 }, skipped: undefined }, "step 'x'")).toEqual({
      kind: 'json',
      json: '{"a":[1,"two",null,true],"b":{"c":1.5}}',
    });
    expect(encodeOutput(undefined, "step 'x'")).toEqual({ kind: 'none', json: undefined });
    expect(encodeOutput(Object.create(null), "step 'x'").json).toBe('{}');
  });

  it('refuses what JSON would change or drop, naming the path of the bad value', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const cases: Array<[unknown, RegExp]> = [
      [{ when: new Date(0) }, /step 'x' returned a Date instance at output\.when/],
      [{ rows: [1, Number.NaN] }, /returned NaN at output\.rows\[1\]/],
      [{ f: () => 1 }, /returned a function at output\.f/],
      [[1, undefined], /returned undefined at output\[1\]/],
      [10n, /returned a bigint at output/],
      [new Map(), /returned a Map instance at output/],
      [cyclic, /returned a circular reference at output\.self/],
      [Number.POSITIVE_INFINITY, /returned Infinity at output/],
    ];
    for (const [value, message] of cases) {
      expect(() => encodeOutput(value, "step 'x'")).toThrow(MlpError);
      expect(() => encodeOutput(value, "step 'x'")).toThrow(message);
    }
  });

  it('allows the same object twice when it is not a cycle', () => {
    const shared = { n: 1 };
    expect(encodeOutput({ a: shared, b: shared }, "step 'x'").json).toBe('{"a":{"n":1},"b":{"n":1}}');
  });
});

describe('outputBlobKey', () => {
  it('is one key per attempt, under the run and step', () => {
    expect(outputBlobKey('r1', 'train', -1, 2)).toBe('orchestrate/outputs/r1/train/step-2.json');
    expect(outputBlobKey('r1', 'train', 4, 1)).toBe('orchestrate/outputs/r1/train/4-1.json');
  });
});
