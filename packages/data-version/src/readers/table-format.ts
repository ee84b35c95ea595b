import path from 'node:path';
import { MlpError } from '@mlp/core';
import type { TabularFormat } from '../catalog/catalog-model.js';
import { sqlString } from './duckdb-instance.js';

export const tabularFormats: readonly TabularFormat[] = ['csv', 'parquet', 'jsonl', 'json'];

const byExtension: Record<string, TabularFormat> = {
  '.csv': 'csv',
  '.tsv': 'csv',
  '.parquet': 'parquet',
  '.pq': 'parquet',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.json': 'json',
};

/** The tabular format a file name implies, or undefined (the name of a cache object has no extension). */
export function formatFromName(file: string): TabularFormat | undefined {
  return byExtension[path.extname(file).toLowerCase()];
}

export function assertTabularFormat(format: string): TabularFormat {
  if (!(tabularFormats as readonly string[]).includes(format)) {
    throw new MlpError('INVALID_ARGUMENT', `Unknown format ${JSON.stringify(format)}: use one of ${tabularFormats.join(', ')}.`);
  }
  return format as TabularFormat;
}

/** `format` when given, else the one the file name implies; INVALID_ARGUMENT when neither says. */
export function resolveFormat(file: string, format?: string): TabularFormat {
  if (format !== undefined) return assertTabularFormat(format);
  const implied = formatFromName(file);
  if (!implied) {
    throw new MlpError(
      'INVALID_ARGUMENT',
      `Cannot tell the format of ${file} from its name: name it .csv, .tsv, .parquet, .jsonl, .ndjson or .json, or pass format.`,
    );
  }
  return implied;
}

/**
 * DuckDB's table function for the file. CSV gets its delimiter and header fixed: left to sniff, DuckDB
 * would read a malformed file as one text column instead of reporting it.
 */
export function scanSql(file: string, format: TabularFormat): string {
  const literal = sqlString(file);
  switch (format) {
    case 'csv': {
      const delimiter = path.extname(file).toLowerCase() === '.tsv' ? '\\t' : ',';
      return `read_csv(${literal}, delim = '${delimiter}', header = true, quote = '"', escape = '"')`;
    }
    case 'parquet':
      return `read_parquet(${literal})`;
    case 'jsonl':
      return `read_json(${literal}, format = 'newline_delimited')`;
    case 'json':
      return `read_json(${literal}, format = 'auto')`;
  }
}
