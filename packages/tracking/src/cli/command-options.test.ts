import { MlpError } from '@mlp/core';
import { describe, expect, it } from 'vitest';
import { collect, parseLimit, viewTypeFromFlags } from './command-options.js';

describe('viewTypeFromFlags', () => {
  it('maps --all and --deleted to view types, active only by default', () => {
    expect(viewTypeFromFlags({})).toBe('ACTIVE_ONLY');
    expect(viewTypeFromFlags({ all: true })).toBe('ALL');
    expect(viewTypeFromFlags({ deleted: true })).toBe('DELETED_ONLY');
  });
});

describe('parseLimit', () => {
  it('accepts positive whole numbers', () => {
    expect(parseLimit('25')).toBe(25);
    expect(parseLimit(' 7 ')).toBe(7);
  });

  it.each(['0', '-1', '1.5', '1e3', '10abc', '', '99999999999999999999'])('refuses %j as INVALID_ARGUMENT', (text) => {
    let thrown: unknown;
    try {
      parseLimit(text);
    } catch (error) {
      thrown = error;
    }
    expect(MlpError.isInstance(thrown) && thrown.code).toBe('INVALID_ARGUMENT');
  });
});

describe('collect', () => {
  it('accumulates repeated options in order', () => {
    expect(collect('b', collect('a', undefined))).toEqual(['a', 'b']);
  });
});
