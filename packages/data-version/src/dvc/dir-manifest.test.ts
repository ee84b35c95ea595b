import { md5Hex } from '@mlp/core';
import { describe, expect, it } from 'vitest';
import { manifestId, parseManifest, serializeManifest } from './dir-manifest.js';

describe('folder manifests', () => {
  it("matches DVC's vector: {bar: 'bar', foo: 'foo'} is 5ea40360f5b4ec688df672a4db9c17d1.dir", () => {
    const bytes = serializeManifest([
      { relpath: 'foo', md5: md5Hex('foo') },
      { relpath: 'bar', md5: md5Hex('bar') },
    ]);
    expect(bytes.toString()).toBe(
      '[{"md5": "37b51d194a7513e45b56f6524f2d51f2", "relpath": "bar"}, {"md5": "acbd18db4cc2f85cedef654fccc4a4d8", "relpath": "foo"}]',
    );
    expect(manifestId(bytes)).toBe('5ea40360f5b4ec688df672a4db9c17d1.dir');
  });

  it('round-trips through parse, and escapes non-ASCII names as Python does', () => {
    const entries = [{ relpath: 'sub/é.csv', md5: md5Hex('x') }];
    const bytes = serializeManifest(entries);
    expect(bytes.toString()).toContain('"sub/\\u00e9.csv"');
    expect(parseManifest(bytes, 'm')).toEqual(entries);
  });

  it('refuses manifests that are not lists, lack fields, or escape the folder', () => {
    expect(() => parseManifest(Buffer.from('{'), 'cache/x.dir')).toThrow(/cache\/x\.dir is not valid JSON/);
    expect(() => parseManifest(Buffer.from('{}'), 'm')).toThrow(/not a JSON list/);
    expect(() => parseManifest(Buffer.from('[{"md5": "zz", "relpath": "a"}]'), 'm')).toThrow(/valid md5/);
    expect(() => parseManifest(Buffer.from(`[{"md5": "${md5Hex('a')}", "relpath": "../etc/passwd"}]`), 'm')).toThrow(/unsafe relpath/);
  });
});
