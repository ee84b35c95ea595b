import { describe, expect, it } from 'vitest';
import { MlpError } from '../errors/mlp-error.js';
import { assertBlobKey, assertBlobPrefix, compareBlobKeys, validateBlobKey, validateBlobPrefix } from './blob-key.js';

function thrown(action: () => void): MlpError {
  try {
    action();
  } catch (error) {
    expect(MlpError.isInstance(error)).toBe(true);
    return error as MlpError;
  }
  return expect.fail('expected a throw');
}

describe('validateBlobKey', () => {
  it.each([
    'a',
    'a/b/c.txt',
    'runs/42/model.onnx',
    '.hidden',
    'a/.b',
    '...',
    'a..b',
    'with space/ünï 🙂',
    'ab:c',
    "!$&'()+,;=@[]~",
    'x'.repeat(1024),
  ])('accepts %j', (key) => {
    expect(validateBlobKey(key)).toBeUndefined();
    expect(() => assertBlobKey(key)).not.toThrow();
  });

  it.each([
    ['', /empty/],
    ['/abs', /start with '\/'/],
    ['/', /start with '\/'/],
    ['C:/x', /drive letter/],
    ['c:x', /drive letter/],
    ['a\\b', /backslash/],
    ['\\\\server\\share', /backslash/],
    ['a\0b', /NUL/],
    ['..', /'\.\.'/],
    ['../a', /'\.\.'/],
    ['a/..', /'\.\.'/],
    ['a/../b', /'\.\.'/],
    ['.', /'\.'/],
    ['a/./b', /'\.'/],
    ['a//b', /empty segments/],
    ['a/', /empty segments/],
    ['x'.repeat(1025), /1024 bytes/],
    ['é'.repeat(513), /1024 bytes/],
  ])('rejects %j', (key, rule) => {
    expect(validateBlobKey(key)).toMatch(rule);
    const error = thrown(() => assertBlobKey(key));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain(JSON.stringify(key));
    expect(error.message).toMatch(rule);
  });

  it('rejects values that are not strings', () => {
    for (const value of [undefined, null, 1, {}, ['a']]) {
      expect(validateBlobKey(value)).toMatch(/must be a string/);
      expect(thrown(() => assertBlobKey(value)).code).toBe('INVALID_ARGUMENT');
    }
  });
});

describe('validateBlobPrefix', () => {
  it.each(['', 'a', 'a/', 'a/b', 'a/b/', 'a/.', 'a/..', 'a/.hid', '.'])('accepts %j', (prefix) => {
    expect(validateBlobPrefix(prefix)).toBeUndefined();
    expect(() => assertBlobPrefix(prefix)).not.toThrow();
  });

  it.each(['/', '/a', 'a//', 'a//b', '../', 'a/../', './', 'a\\', 'a\0', 'C:', 'x'.repeat(1025)])('rejects %j', (prefix) => {
    expect(validateBlobPrefix(prefix)).toBeDefined();
    const error = thrown(() => assertBlobPrefix(prefix));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain(JSON.stringify(prefix));
  });
});

describe('compareBlobKeys', () => {
  it('orders by UTF-8 bytes, as S3 lists', () => {
    const keys = ['😀', '\uFFFD', 'a/b', 'a.txt', 'a-b', 'a', 'é', 'Z'];
    expect([...keys].sort(compareBlobKeys)).toEqual(['Z', 'a', 'a-b', 'a.txt', 'a/b', 'é', '\uFFFD', '😀']);
    // JavaScript's own order puts the surrogate pair first, which S3 does not.
    expect([...keys].sort().indexOf('😀')).toBeLessThan([...keys].sort().indexOf('\uFFFD'));
  });
});
