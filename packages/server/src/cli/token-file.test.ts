import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createTempDir } from '@mlp/core/testing';
import { describe, expect, it } from 'vitest';
import { parseTokenFile, readTokenFile } from './token-file.js';

describe('token files', () => {
  it('reads one token per line with optional scopes, skipping comments and blanks', () => {
    const text = [
      '# team tokens',
      'ci-token-0123456789abcdef',
      '',
      'dash-token-0123456789abc read  # the dashboard',
      'svc-token-0123456789abcdef read,write',
    ].join('\n');
    expect(parseTokenFile(text, 'tokens')).toEqual([
      { token: 'ci-token-0123456789abcdef', scopes: ['read', 'write'] },
      { token: 'dash-token-0123456789abc', scopes: ['read'] },
      { token: 'svc-token-0123456789abcdef', scopes: ['read', 'write'] },
    ]);
  });

  it('refuses short tokens, unknown scopes and extra words, naming the line', () => {
    expect(() => parseTokenFile('\nshort', 'f')).toThrow(/^f:2: a token must be at least 16 characters/);
    expect(() => parseTokenFile('long-enough-token-123 admin', 'f')).toThrow(/f:1: unknown scopes "admin"/);
    expect(() => parseTokenFile('long-enough-token-123 read extra', 'f')).toThrow(/f:1: expected/);
  });

  it('refuses a file without tokens, which would otherwise turn auth off', () => {
    expect(() => parseTokenFile('# nothing yet\n\n', 'f')).toThrow(/holds no tokens/);
  });

  it('reads the file and says whether others can read it', async () => {
    const dir = await createTempDir();
    try {
      const file = path.join(dir.path, 'tokens');
      await writeFile(file, 'file-token-0123456789abc read\n');
      await chmod(file, 0o600);
      expect(await readTokenFile(file)).toEqual({
        tokens: [{ token: 'file-token-0123456789abc', scopes: ['read'] }],
        readableByOthers: false,
      });
      await chmod(file, 0o644);
      expect((await readTokenFile(file)).readableByOthers).toBe(process.platform !== 'win32');
      await expect(readTokenFile(path.join(dir.path, 'missing'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    } finally {
      await dir.remove();
    }
  });
});
