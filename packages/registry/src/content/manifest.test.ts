import { sha256Hex } from '@mlp/core';
import { describe, expect, it } from 'vitest';
import { manifestHash } from './manifest.js';

describe('manifestHash', () => {
  const a = { path: 'a.txt', size: 1, sha256: sha256Hex('a') };
  const b = { path: 'dir/b.txt', size: 2, sha256: sha256Hex('bb') };

  it('does not depend on the order files were copied in', () => {
    expect(manifestHash([a, b])).toBe(manifestHash([b, a]));
  });

  it('changes with any path, size or content', () => {
    const base = manifestHash([a, b]);
    expect(manifestHash([a, { ...b, path: 'dir/c.txt' }])).not.toBe(base);
    expect(manifestHash([a, { ...b, size: 3 }])).not.toBe(base);
    expect(manifestHash([a, { ...b, sha256: sha256Hex('bc') }])).not.toBe(base);
  });

  it('is sha256 over path, size and digest lines', () => {
    expect(manifestHash([a])).toBe(sha256Hex(`a.txt\t1\t${sha256Hex('a')}\n`));
  });
});
