import { MlpError } from '../errors/mlp-error.js';
import { locateMalformedCsvRecord } from '../text/csv-structure.js';
import { delimiterOf, type TabularFormat } from './tabular-format.js';

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The error naming a delimited file's first malformed record (its line and what is wrong), or
 * undefined when the file has none. DuckDB refuses such a file without saying where, so the file is
 * read again, streamed, on this error path only: valid files are read once.
 */
export async function malformedCsvError(cause: unknown, file: string, format: TabularFormat): Promise<MlpError | undefined> {
  const delimiter = delimiterOf(format);
  if (delimiter === undefined || /\.zst$/i.test(file)) return undefined;
  const problem = await locateMalformedCsvRecord(file, delimiter).catch(() => undefined);
  const kind = format.toUpperCase();
  if (problem) {
    return new MlpError(
      'INVALID_ARGUMENT',
      `Malformed ${kind} in ${file}: ${problem.message}. Fix that row: every row needs the header's number of fields, and every quote must close.`,
      { cause, details: { file, format, line: problem.line } },
    );
  }
  // Well-formed, yet refused: DuckDB names the line of a value that does not fit the column's type
  // (inferred from the first rows), and what the value was.
  const message = messageOf(cause);
  const line = Number(/CSV Error on Line: (\d+)/.exec(message)?.[1] ?? Number.NaN);
  if (Number.isNaN(line)) return undefined;
  const conversion = /Error when converting column "(.*?)"\. (.*)/.exec(message);
  const reason = conversion
    ? `column ${JSON.stringify(conversion[1])}: ${(conversion[2] as string).replace(/[.!?]$/, '')}, a type DuckDB inferred from the rows before`
    : (message.split('\n')[0] as string).replace(/[.!?]$/, '');
  return new MlpError('INVALID_ARGUMENT', `Bad value in ${kind} ${file} at line ${line}: ${reason}. Fix that value.`, {
    cause,
    details: { file, format, line },
  });
}

/**
 * Turns DuckDB's failure to read `file` as `format` into an MlpError that says what is wrong: an
 * unknown column with DuckDB's suggestions, a malformed CSV or TSV row by its line, else DuckDB's
 * first line. An MlpError passes through.
 */
export async function tabularReadError(error: unknown, file: string, format: TabularFormat): Promise<MlpError> {
  if (MlpError.isInstance(error)) return error;
  const message = messageOf(error);
  if (/Binder Error: Referenced column/i.test(message)) {
    const column = /column "?([^"]+)"? not found/i.exec(message)?.[1];
    const candidates = /Candidate bindings: (.*)/i.exec(message)?.[1];
    return new MlpError(
      'INVALID_ARGUMENT',
      `${file} has no column ${column ? JSON.stringify(column) : ''}${candidates ? ` (similar: ${candidates})` : ''}. Check the column names.`,
      { cause: error, details: { file, format } },
    );
  }
  const malformed = await malformedCsvError(error, file, format);
  if (malformed) return malformed;
  const firstLine = (message.split('\n')[0] ?? message).trim().replace(/[.!?]$/, '');
  return new MlpError('INVALID_ARGUMENT', `Cannot read ${file} as ${format}: ${firstLine}. Check that the file is valid ${format}.`, {
    cause: error,
    details: { file, format },
  });
}
