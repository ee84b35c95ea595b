import { describe, expect, it } from 'vitest';
import { parseDvcFile, renderDvcFile } from './dvc-file.js';

describe('.dvc files', () => {
  it('writes the DVC 3 layout: md5, size, nfiles, hash, path, sequence unindented', () => {
    expect(renderDvcFile({ md5: 'acbd18db4cc2f85cedef654fccc4a4d8', size: 3, path: 'foo' })).toBe(
      'outs:\n- md5: acbd18db4cc2f85cedef654fccc4a4d8\n  size: 3\n  hash: md5\n  path: foo\n',
    );
    expect(renderDvcFile({ md5: '5ea40360f5b4ec688df672a4db9c17d1.dir', size: 6, nfiles: 2, path: 'dir' })).toBe(
      'outs:\n- md5: 5ea40360f5b4ec688df672a4db9c17d1.dir\n  size: 6\n  nfiles: 2\n  hash: md5\n  path: dir\n',
    );
  });

  it('keeps keys and comments it does not own when rewriting', () => {
    const text = [
      '# dataset owned by the data team',
      'outs:',
      '- md5: acbd18db4cc2f85cedef654fccc4a4d8',
      '  size: 3',
      '  hash: md5',
      '  path: foo',
      '  desc: raw flights',
      '  remote: archive',
      'meta:',
      '  owner: ana',
      '',
    ].join('\n');
    const parsed = parseDvcFile(text, '/p/foo.dvc');
    const rewritten = renderDvcFile({ md5: '37b51d194a7513e45b56f6524f2d51f2', size: 4, path: 'foo' }, parsed);
    expect(rewritten).toBe(
      [
        '# dataset owned by the data team',
        'outs:',
        '- md5: 37b51d194a7513e45b56f6524f2d51f2',
        '  size: 4',
        '  hash: md5',
        '  path: foo',
        '  desc: raw flights',
        '  remote: archive',
        'meta:',
        '  owner: ana',
        '',
      ].join('\n'),
    );
  });

  it('recognises DVC 2 entries (no hash key) as md5-dos2unix', () => {
    const parsed = parseDvcFile('outs:\n- md5: acbd18db4cc2f85cedef654fccc4a4d8\n  size: 3\n  path: foo\n', '/p/foo.dvc');
    expect(parsed.outs[0]).toMatchObject({ hash: 'md5-dos2unix', path: 'foo', absolutePath: '/p/foo', size: 3 });
    expect(parseDvcFile('outs:\n- md5: ACBD18DB4CC2F85CEDEF654FCCC4A4D8\n  hash: md5\n  path: foo\n', '/p/foo.dvc').outs[0]?.hash).toBe(
      'md5',
    );
  });

  it('names the file when the YAML or the shape is broken', () => {
    expect(() => parseDvcFile('outs: [\n', '/p/foo.dvc')).toThrow(/\/p\/foo\.dvc is not a valid \.dvc file: broken YAML/);
    expect(() => parseDvcFile('outs: 3\n', '/p/foo.dvc')).toThrow(/`outs` is not a list/);
    expect(() => parseDvcFile('outs:\n- md5: nope\n  path: foo\n', '/p/foo.dvc')).toThrow(/is not an md5/);
    expect(() => parseDvcFile('outs:\n- md5: acbd18db4cc2f85cedef654fccc4a4d8\n', '/p/foo.dvc')).toThrow(/has no path/);
    expect(() => parseDvcFile('outs:\n- md5: acbd18db4cc2f85cedef654fccc4a4d8\n  hash: sha256\n  path: f\n', '/p/f.dvc')).toThrow(
      /only md5/,
    );
  });
});
