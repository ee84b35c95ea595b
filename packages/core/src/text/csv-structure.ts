import { createReadStream } from 'node:fs';
import { pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { plural } from './plural.js';

/** The first malformed record of a CSV text: the 1-based line where it starts, and what is wrong with it (`message` names the line too). */
export interface CsvRecordProblem {
  line: number;
  message: string;
}

/**
 * A CSV structure scanner fed text in pieces: it counts the fields of each record and follows RFC 4180
 * quoting (quotes double to escape; quoted fields may span lines; blank lines are skipped). State
 * carries across pieces, so a `""` or `\r\n` split between two chunks reads as in one text.
 */
function createCsvStructureScanner(delimiter: string) {
  let line = 1;
  let recordLine = 1;
  let fields = 1;
  let content = false;
  let expected: number | undefined;
  let inQuotes = false;
  let quoteInQuotes = false; // a `"` inside quotes, not yet known to close the field or to escape a `"`
  let afterCr = false; // a `\r` just ended a line: a `\n` next belongs to it
  let atFieldStart = true;

  const endRecord = (): CsvRecordProblem | undefined => {
    if (expected === undefined) expected = fields;
    else if (fields !== expected)
      return { line: recordLine, message: `line ${recordLine} has ${plural(fields, 'field')}; the header has ${expected}` };
    return undefined;
  };

  function push(text: string): CsvRecordProblem | undefined {
    for (let i = 0; i < text.length; i++) {
      const char = text[i];
      if (afterCr) {
        afterCr = false;
        if (char === '\n') continue;
      }
      if (quoteInQuotes) {
        quoteInQuotes = false;
        if (char === '"') continue; // an escaped quote: still inside the field
        inQuotes = false;
      } else if (inQuotes) {
        if (char === '"') quoteInQuotes = true;
        else if (char === '\n') line++;
        continue;
      }
      if (char === '\n' || char === '\r') {
        afterCr = char === '\r';
        if (content) {
          const problem = endRecord();
          if (problem) return problem;
        }
        line++;
        recordLine = line;
        fields = 1;
        content = false;
        atFieldStart = true;
        continue;
      }
      content = true;
      if (char === '"' && atFieldStart) inQuotes = true;
      else if (char === delimiter) {
        fields++;
        atFieldStart = true;
        continue;
      }
      atFieldStart = false;
    }
    return undefined;
  }

  function end(): CsvRecordProblem | undefined {
    if (inQuotes && !quoteInQuotes) return { line: recordLine, message: `line ${recordLine} opens a quoted field that never closes` };
    return content ? endRecord() : undefined;
  }

  return { push, end };
}

/**
 * Finds the first record of a CSV text whose field count differs from the header's, or an unterminated
 * quote. DuckDB's reader refuses such a file without saying where; this says which line.
 */
export function findMalformedCsvRecord(text: string, delimiter = ','): CsvRecordProblem | undefined {
  const scanner = createCsvStructureScanner(delimiter);
  return scanner.push(text) ?? scanner.end();
}

/**
 * `findMalformedCsvRecord` over a file or stream, read in chunks: memory stays bounded however large
 * the file, and reading stops at the first problem. A `.gz` file is decompressed on the way.
 */
export async function locateMalformedCsvRecord(source: string | Readable, delimiter = ','): Promise<CsvRecordProblem | undefined> {
  const scanner = createCsvStructureScanner(delimiter);
  const input = typeof source === 'string' ? createReadStream(source) : source;
  // pipeline passes a read error (a missing file) on to the gunzip stream, so the loop below sees it.
  const text = typeof source === 'string' && /\.gz$/i.test(source) ? pipeline(input, createGunzip(), () => {}) : input;
  text.setEncoding('utf8');
  try {
    for await (const chunk of text as AsyncIterable<string>) {
      const problem = scanner.push(chunk);
      if (problem) return problem;
    }
    return scanner.end();
  } finally {
    // Stopping early (a problem found) leaves the file open otherwise.
    text.destroy();
    if (text !== input) input.destroy();
  }
}
