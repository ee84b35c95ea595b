import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connectSharedTabularDb, malformedCsvError, tabularScanSql } from '@mlp/core/tabular';
import { badRequest, type ScoringRecord } from './scoring-input.js';

let folder: Promise<string> | undefined;

/** One private folder per process for request bodies on their way into DuckDB. */
function bodyFolder(): Promise<string> {
  folder ??= mkdtemp(path.join(tmpdir(), 'mlp-invocations-')).catch((error: unknown) => {
    folder = undefined;
    throw error;
  });
  return folder;
}

/** DuckDB's values as the JSON formats give them: whole numbers as numbers, not bigints. */
function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  return value;
}

/**
 * Records from a `text/csv` body (a header line, then rows), read by DuckDB with the same dialect as
 * every tabular file mlp reads (`@mlp/core/tabular`), so a request's values get the types the
 * training data's did: numbers, timestamps as Dates, booleans, text. DuckDB scans files, so the body
 * goes through a private temporary file, removed at once. Errors name the request body, never the file.
 */
export async function recordsFromCsv(text: string): Promise<ScoringRecord[]> {
  if (text.trim() === '') return [];
  const file = path.join(await bodyFolder(), `${randomBytes(8).toString('hex')}.csv`);
  await writeFile(file, text, { mode: 0o600 });
  const connection = await connectSharedTabularDb();
  try {
    const result = await connection.runAndReadAll(`SELECT * FROM ${tabularScanSql(file, 'csv')}`).catch(async (error: unknown) => {
      // The reader's own diagnosis (the malformed row's line, the value that does not fit), with the
      // temporary file's path taken out: a client learns nothing of the server's folders.
      const diagnosed = await malformedCsvError(error, file, 'csv');
      const reason = (diagnosed?.message ?? String((error as Error).message ?? error).split('\n')[0] ?? '')
        .split(file)
        .join('the request body');
      throw badRequest(`Failed to parse the request body as CSV (a header line, then one line per record, RFC 4180 quoting): ${reason}`);
    });
    const names = result.columnNames();
    return result.getRowsJS().map((row) => {
      const record: ScoringRecord = {};
      names.forEach((name, index) => {
        record[name] = plain(row[index]);
      });
      return record;
    });
  } finally {
    connection.closeSync();
    await rm(file, { force: true });
  }
}
