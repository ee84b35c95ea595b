import { describe, expect, it } from 'vitest';
import { formatIni, parseIni, remoteNameOf, remoteSection } from './ini-config.js';

describe("DVC's INI config", () => {
  it('reads sections with quoted remote names, comments and quoted values', () => {
    const sections = parseIni(
      "[core]\n    remote = storage\n    # a comment\n['remote \"storage\"']\n    url = s3://bucket/data\n    endpointurl = 'http://127.0.0.1:9000'\n",
      '.dvc/config',
    );
    expect(sections.get('core')?.get('remote')).toBe('storage');
    expect(sections.get('remote "storage"')?.get('url')).toBe('s3://bucket/data');
    expect(sections.get('remote "storage"')?.get('endpointurl')).toBe('http://127.0.0.1:9000');
    expect(remoteNameOf('remote "storage"')).toBe('storage');
    expect(remoteNameOf('core')).toBeUndefined();
  });

  it('writes what `dvc remote add` writes', () => {
    const sections = new Map([
      ['core', new Map([['remote', 'store']])],
      [remoteSection('store'), new Map([['url', '../store']])],
    ]);
    expect(formatIni(sections)).toBe('[core]\n    remote = store\n[\'remote "store"\']\n    url = ../store\n');
    expect(parseIni(formatIni(sections), 'x')).toEqual(sections);
  });

  it('names the file and line of a malformed entry', () => {
    expect(() => parseIni('[core]\nnot a pair\n', '/p/.dvc/config')).toThrow(/\/p\/\.dvc\/config line 2/);
  });
});
