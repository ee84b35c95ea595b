import { describe, expect, it } from 'vitest';
import { csvField, csvLine } from './csv-writer.js';

describe('csvField', () => {
  it('quotes only what needs it and tells NULL from the empty string', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField(null)).toBe('');
    expect(csvField('')).toBe('""');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(' padded ')).toBe('" padded "');
    expect(csvLine(['1', null, 'x,y'])).toBe('1,,"x,y"\n');
  });
});
