import { describe, expect, it } from 'vitest';
import { findMalformedCsvRecord } from './csv-structure.js';

describe('findMalformedCsvRecord', () => {
  it('accepts well-formed CSV with quotes, doubled quotes, embedded newlines, CRLF and blank lines', () => {
    expect(findMalformedCsvRecord('a,b\r\n1,"x, y"\r\n2,"say ""hi"""\n\n3,"two\nlines"\n')).toBeUndefined();
    expect(findMalformedCsvRecord('a,b\n1,2')).toBeUndefined();
  });

  it('names the line of a record with too many or too few fields', () => {
    expect(findMalformedCsvRecord('a,b\n1,2\n3,4,5\n')).toEqual({ line: 3, message: 'line 3 has 3 fields; the header has 2' });
    expect(findMalformedCsvRecord('a,b\n1,"x\ny"\n3\n')?.line).toBe(4);
  });

  it('names the line where an unterminated quote opens', () => {
    expect(findMalformedCsvRecord('a,b\n1,2\n3,"oops\n4,5\n')).toEqual({
      line: 3,
      message: 'line 3 opens a quoted field that never closes',
    });
  });

  it('reads tab-separated files', () => {
    expect(findMalformedCsvRecord('a\tb\n1\t2\n3\n', '\t')?.line).toBe(3);
  });
});
