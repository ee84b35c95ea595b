import path from 'node:path';
import { MlpError } from '@mlp/core';
import type { TabularFormat } from '../catalog/catalog-model.js';
import { locateCsvProblem } from './csv-error-locator.js';

/**
 * Turns a DuckDB error while reading `file` into an MlpError that says what is wrong. For a CSV file
 * the file is re-read strictly to name the line of the first malformed row and why it is malformed.
 */
export async function readFailure(error: unknown, file: string, format: TabularFormat): Promise<MlpError> {
  if (MlpError.isInstance(error)) return error;
  const message = (error as Error).message ?? String(error);
  const firstLine = message.split('\n')[0] ?? message;
  if (/Binder Error: Referenced column/i.test(message)) {
    const column = /column "?([^"]+)"? not found/i.exec(message)?.[1];
    const candidates = /Candidate bindings: (.*)/i.exec(message)?.[1];
    return new MlpError(
      'INVALID_ARGUMENT',
      `${file} has no column ${column ? JSON.stringify(column) : ''}${candidates ? ` (similar: ${candidates})` : ''}. Check the names in columns.`,
      { cause: error, details: { file } },
    );
  }
  if (format === 'csv') {
    const delimiter = path.extname(file).toLowerCase() === '.tsv' ? '\t' : ',';
    const problem = await locateCsvProblem(file, delimiter).catch(() => undefined);
    const duckdbLine = Number(/CSV Error on Line: (\d+)/.exec(message)?.[1] ?? Number.NaN);
    const line = problem?.line ?? (Number.isNaN(duckdbLine) ? undefined : duckdbLine);
    if (line !== undefined) {
      const reason = problem?.reason ?? 'the row does not parse';
      return new MlpError(
        'INVALID_ARGUMENT',
        `Malformed CSV in ${file} at line ${line}: ${reason}. Fix that row (every row needs the header's column count and balanced quotes).`,
        { cause: error, details: { file, line } },
      );
    }
  }
  return new MlpError('INVALID_ARGUMENT', `Cannot read ${file} as ${format}: ${firstLine}`, { cause: error, details: { file, format } });
}
