import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findMalformedCsvRecord, locateMalformedCsvRecord } from './csv-structure.js';

describe('findMalformedCsvRecord', () => {
  it('accepts well-formed CSV with quotes, doubled quotes, embedded newlines, CRLF and blank lines', () => {
    expect(findMalformedCsvRecord('a,b\r\n1,"x, y"\r\n2,"say ""hi"""\n\n3,"two\nlines"\n')).toBeUndefined();
    expect(findMalformedCsvRecord('a,b\n1,2')).toBeUndefined();
    expect(findMalformedCsvRecord('a,b\n1,"ends in a quote"')).toBeUndefined();
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

describe('locateMalformedCsvRecord', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'mlp-csv-structure-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** A stream that hands over the text one character at a time: every state crosses a chunk boundary. */
  const inPieces = (text: string) => Readable.from(Array.from(text), { objectMode: false });

  it('reads the same across chunk boundaries: "" escapes, CRLF and quoted newlines split between chunks', async () => {
    const good = 'a,b\r\n1,"x, y"\r\n2,"say ""hi"""\r\n\r\n3,"two\r\nlines"\r\n';
    expect(await locateMalformedCsvRecord(inPieces(good))).toBeUndefined();
    expect(await locateMalformedCsvRecord(inPieces('a,b\r\n1,2\r\n3,"x""",4\r\n'))).toEqual({
      line: 3,
      message: 'line 3 has 3 fields; the header has 2',
    });
    expect((await locateMalformedCsvRecord(inPieces('a,b\n1,2\n3,"oops\n4,5\n')))?.line).toBe(3);
  });

  it('streams a large file and stops at the first problem', async () => {
    const file = path.join(dir, 'large.csv');
    const rows = Array.from({ length: 200_000 }, (_, i) => `${i},"name ""${i}""",${i * 2}`);
    rows[150_000] = '150000,"two\nlines",1,extra'; // starts on line 150,002 (the header is line 1)
    await writeFile(file, `id,name,double\n${rows.join('\n')}\n`);
    expect(await locateMalformedCsvRecord(file)).toEqual({ line: 150_002, message: 'line 150002 has 4 fields; the header has 3' });
  });

  it('reads a gzipped file, and a missing file is an error', async () => {
    const file = path.join(dir, 'small.csv.gz');
    await writeFile(file, gzipSync('a,b\n1,2\n3\n'));
    expect((await locateMalformedCsvRecord(file))?.line).toBe(3);
    await expect(locateMalformedCsvRecord(path.join(dir, 'none.csv'))).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(locateMalformedCsvRecord(path.join(dir, 'none.csv.gz'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
