import { createReadStream } from 'node:fs';
import { CsvError, parse } from 'csv-parse';

export interface CsvProblem {
  /** 1-based line of the file where the malformed record starts. */
  line: number;
  reason: string;
}

/**
 * Reads a CSV file strictly (same column count on every row, balanced quotes) and returns the first
 * problem with its line number, or undefined. DuckDB's messages rarely name the line; this pass does,
 * and runs only after DuckDB has refused the file.
 */
export async function locateCsvProblem(file: string, delimiter = ','): Promise<CsvProblem | undefined> {
  const parser = createReadStream(file).pipe(parse({ delimiter, relax_column_count: false, skip_empty_lines: true, info: true }));
  let lastRecordEnd = 0;
  try {
    for await (const { info } of parser as AsyncIterable<{ info: { lines: number } }>) lastRecordEnd = info.lines;
    return undefined;
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const reason = error.message.replace(/ at line \d+/, '');
    // An unclosed quote is noticed at the end of the file; the record it breaks starts after the last good one.
    if (error.code === 'CSV_QUOTE_NOT_CLOSED') return { line: lastRecordEnd + 1, reason };
    const lines = (error as CsvError & { lines?: number }).lines;
    return { line: typeof lines === 'number' ? lines : lastRecordEnd + 1, reason };
  }
}
