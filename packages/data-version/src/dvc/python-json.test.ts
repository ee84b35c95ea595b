import { describe, expect, it } from 'vitest';
import { compareCodePoints, pythonJsonDumps, pythonJsonString } from './python-json.js';

// Expected strings are what CPython 3 prints for json.dumps(value, sort_keys=True).
describe('pythonJsonDumps', () => {
  it('uses Python separators and sorts keys', () => {
    expect(
      pythonJsonDumps([
        { relpath: 'a', md5: 'x' },
        { b: 1, a: [true, null] },
      ]),
    ).toBe('[{"md5": "x", "relpath": "a"}, {"a": [true, null], "b": 1}]');
    expect(pythonJsonDumps([])).toBe('[]');
  });

  it('escapes everything outside printable ASCII as ensure_ascii does', () => {
    expect(pythonJsonString('á')).toBe('"\\u00e1"');
    expect(pythonJsonString('日本')).toBe('"\\u65e5\\u672c"');
    // Astral characters become surrogate pairs, lower-case hex.
    expect(pythonJsonString('😀')).toBe('"\\ud83d\\ude00"');
    expect(pythonJsonString('\u007f\u0001')).toBe('"\\u007f\\u0001"');
    expect(pythonJsonString('a"b\\c\n\r\t\b\f/')).toBe('"a\\"b\\\\c\\n\\r\\t\\b\\f/"');
  });

  it('sorts by code point, not UTF-16 unit, as Python sorts str', () => {
    // U+FF5E sorts before U+1F600 in Python; JS's default sort puts the surrogate pair first.
    const items = ['😀', '～'];
    expect([...items].sort()).toEqual(['😀', '～']);
    expect([...items].sort(compareCodePoints)).toEqual(['～', '😀']);
    expect(compareCodePoints('a', 'ab')).toBeLessThan(0);
    expect(compareCodePoints('b', 'a')).toBeGreaterThan(0);
    expect(compareCodePoints('same', 'same')).toBe(0);
  });
});
