import { open } from 'node:fs/promises';
import path from 'node:path';
import { findMalformedCsvRecord, MlpError } from '@mlp/core';
import type { ColumnKind } from '../values.js';
import { ident, stringLiteral } from './sql.js';

export type FileFormat = 'csv' | 'tsv' | 'parquet' | 'jsonl' | 'json';

const extensions: Record<string, FileFormat> = {
  '.csv': 'csv',
  '.tsv': 'tsv',
  '.parquet': 'parquet',
  '.pq': 'parquet',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.json': 'json',
};

/** The format a file's extension names, or an error that lists the known ones. */
export function formatOf(file: string, explicit?: FileFormat): FileFormat {
  if (explicit) return explicit;
  const extension = path.extname(file.replace(/\.gz$/, '')).toLowerCase();
  const format = extensions[extension];
  if (!format) {
    throw new MlpError(
      'INVALID_ARGUMENT',
      `Cannot tell the format of ${file} from its extension; use one of ${Object.keys(extensions).join(', ')} or pass a format.`,
    );
  }
  return format;
}

export interface Relations {
  relation: string;
  rowRelation: string;
}

/** FROM clauses that read a file once, and once with a 0-based `__row` column. */
export function fileRelations(file: string, format: FileFormat): Relations {
  const name = stringLiteral(file);
  switch (format) {
    case 'parquet':
      return {
        relation: `read_parquet(${name})`,
        rowRelation: `(SELECT *, file_row_number AS __row FROM read_parquet(${name}, file_row_number = true))`,
      };
    case 'csv':
    case 'tsv': {
      // An explicit dialect, so a malformed row is an error rather than a file sniffed as one column.
      const reader = `read_csv(${name}, header = true, skip = 0, delim = ${stringLiteral(format === 'tsv' ? '\t' : ',')}, quote = '"', escape = '"')`;
      return { relation: reader, rowRelation: `(SELECT *, row_number() OVER () - 1 AS __row FROM ${reader})` };
    }
    default: {
      const reader = `read_json(${name}, format = ${stringLiteral(format === 'json' ? 'array' : 'newline_delimited')})`;
      return { relation: reader, rowRelation: `(SELECT *, row_number() OVER () - 1 AS __row FROM ${reader})` };
    }
  }
}

export function tableRelations(table: string): Relations {
  return { relation: ident(table), rowRelation: `(SELECT *, rowid AS __row FROM ${ident(table)})` };
}

/** The shared kind of a DuckDB column type. */
export function kindOfDuckDbType(type: string): ColumnKind {
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL)/.test(type))
    return 'number';
  if (type === 'VARCHAR') return 'string';
  if (type === 'BOOLEAN') return 'boolean';
  if (/^(DATE|TIMESTAMP)/.test(type)) return 'timestamp';
  return 'mixed';
}

/** A column's value expression: NULL when missing (NaN included), timestamps as epoch milliseconds. */
export function valueExpression(name: string, type: string): string {
  const column = ident(name);
  const kind = kindOfDuckDbType(type);
  if (kind === 'number') {
    if (type === 'FLOAT' || type === 'DOUBLE') return `nullif(${column}, 'NaN'::DOUBLE)`;
    if (type.startsWith('DECIMAL') || type.startsWith('HUGEINT') || type.startsWith('UHUGEINT') || type === 'UBIGINT')
      return `CAST(${column} AS DOUBLE)`;
    return column;
  }
  if (kind === 'timestamp')
    return type === 'TIMESTAMP' || type === 'TIMESTAMP WITH TIME ZONE' ? `epoch_ms(${column})` : `epoch_ms(CAST(${column} AS TIMESTAMP))`;
  if (kind === 'mixed') return `CAST(${column} AS VARCHAR)`;
  return column;
}

/**
 * Turns DuckDB's refusal of a CSV file into an error naming the malformed line, by reading the file's
 * structure (only on this error path, so valid files are read once).
 */
export async function explainCsvError(file: string, format: FileFormat, error: unknown): Promise<MlpError | undefined> {
  if (format !== 'csv' && format !== 'tsv') return undefined;
  const handle = await open(file, 'r').catch(() => undefined);
  if (!handle) return undefined;
  try {
    const text = await handle.readFile('utf8');
    const problem = findMalformedCsvRecord(text, format === 'tsv' ? '\t' : ',');
    if (!problem) return undefined;
    return new MlpError('INVALID_ARGUMENT', `${file}: malformed CSV at ${problem.message}. Fix that row and validate again.`, {
      cause: error,
      details: { file, line: problem.line },
    });
  } finally {
    await handle.close();
  }
}
