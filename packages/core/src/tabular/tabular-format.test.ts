import { describe, expect, it } from 'vitest';
import { tabularScanSql } from './scan-sql.js';
import { sqlIdentifier, sqlString } from './sql-quote.js';
import { assertTabularFormat, delimiterOf, resolveTabularFormat, tabularFormatOf } from './tabular-format.js';

describe('tabular formats', () => {
  it('knows a format by its extension, looking through compression for the text formats', () => {
    expect(tabularFormatOf('/d/a.csv')).toBe('csv');
    expect(tabularFormatOf('/d/a.TSV')).toBe('tsv');
    expect(tabularFormatOf('/d/a.tab')).toBe('tsv');
    expect(tabularFormatOf('/d/a.pq')).toBe('parquet');
    expect(tabularFormatOf('/d/a.ndjson')).toBe('jsonl');
    expect(tabularFormatOf('/d/a.json.gz')).toBe('json');
    expect(tabularFormatOf('/d/a.csv.zst')).toBe('csv');
    expect(tabularFormatOf('/d/a.parquet.gz')).toBeUndefined();
    expect(tabularFormatOf('/cache/files/md5/ab/cdef')).toBeUndefined();
  });

  it('prefers the explicit format and says what to do when neither tells', () => {
    expect(resolveTabularFormat('/d/a.txt', 'tsv')).toBe('tsv');
    expect(() => resolveTabularFormat('/d/a.xlsx')).toThrow(/Cannot tell the format of \/d\/a\.xlsx from its name: name it \.csv/);
    expect(() => assertTabularFormat('excel')).toThrow(/Unknown format "excel": use one of csv, tsv, parquet, jsonl, json/);
    expect(delimiterOf('tsv')).toBe('\t');
    expect(delimiterOf('parquet')).toBeUndefined();
  });
});

describe('SQL text', () => {
  it('quotes identifiers and strings by doubling their quote', () => {
    expect(sqlIdentifier('say "hi"')).toBe('"say ""hi"""');
    expect(sqlString("O'Hare")).toBe("'O''Hare'");
  });

  it('scans each format with one set of options', () => {
    expect(tabularScanSql("/d/o'k.csv", 'csv')).toBe(
      `read_csv('/d/o''k.csv', header = true, skip = 0, delim = ',', quote = '"', escape = '"')`,
    );
    expect(tabularScanSql('/d/a.tsv', 'tsv')).toContain(`delim = '\t'`);
    expect(tabularScanSql('/d/a.parquet', 'parquet', { fileRowNumber: true })).toBe(`read_parquet('/d/a.parquet', file_row_number = true)`);
    expect(tabularScanSql('/d/a.jsonl', 'jsonl')).toBe(`read_json('/d/a.jsonl', format = 'newline_delimited')`);
    expect(tabularScanSql('/d/a.json', 'json')).toBe(`read_json('/d/a.json', format = 'auto')`);
  });
});
