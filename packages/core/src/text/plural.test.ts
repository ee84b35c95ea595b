import { describe, expect, it } from 'vitest';
import { plural } from './plural.js';

describe('plural', () => {
  it('says "1 file" and "2 files", never "1 files" or "file(s)"', () => {
    expect(plural(1, 'file')).toBe('1 file');
    expect(plural(0, 'row')).toBe('0 rows');
    expect(plural(2, 'path')).toBe('2 paths');
    expect(plural(1461, 'row')).toBe('1,461 rows');
    expect(plural(2, 'entry', 'entries')).toBe('2 entries');
  });
});
