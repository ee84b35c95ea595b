import path from 'node:path';
import { MlpError } from '../errors/mlp-error.js';

/** The tabular formats every mlp package reads, by one set of names. */
export type TabularFormat = 'csv' | 'tsv' | 'parquet' | 'jsonl' | 'json';

export const tabularFormats: readonly TabularFormat[] = ['csv', 'tsv', 'parquet', 'jsonl', 'json'];

const byExtension: Record<string, TabularFormat> = {
  '.csv': 'csv',
  '.tsv': 'tsv',
  '.tab': 'tsv',
  '.parquet': 'parquet',
  '.pq': 'parquet',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.json': 'json',
};

/** Compression DuckDB undoes while reading a text format (`flights.csv.gz`). */
const compressed = /\.(gz|zst)$/i;

/**
 * The format a file name implies, or undefined (a cache object's name has no extension). A compression
 * suffix is looked through for the text formats: `.csv.gz` is CSV.
 */
export function tabularFormatOf(file: string): TabularFormat | undefined {
  const base = file.toLowerCase();
  const inner = base.replace(compressed, '');
  const format = byExtension[path.extname(inner)];
  return format === 'parquet' && inner !== base ? undefined : format;
}

/** `format` as a TabularFormat; INVALID_ARGUMENT naming the known ones when it is not one. */
export function assertTabularFormat(format: string): TabularFormat {
  if (!(tabularFormats as readonly string[]).includes(format)) {
    throw new MlpError('INVALID_ARGUMENT', `Unknown format ${JSON.stringify(format)}: use one of ${tabularFormats.join(', ')}.`);
  }
  return format as TabularFormat;
}

/** `format` when given, else the one the file name implies; INVALID_ARGUMENT when neither says. */
export function resolveTabularFormat(file: string, format?: string): TabularFormat {
  if (format !== undefined) return assertTabularFormat(format);
  const implied = tabularFormatOf(file);
  if (!implied) {
    throw new MlpError(
      'INVALID_ARGUMENT',
      `Cannot tell the format of ${file} from its name: name it ${Object.keys(byExtension).join(', ')} (.gz or .zst for text), or pass a format (${tabularFormats.join(', ')}).`,
    );
  }
  return implied;
}

/** The field delimiter of a delimited-text format, or undefined for the others. */
export function delimiterOf(format: TabularFormat): ',' | '\t' | undefined {
  return format === 'csv' ? ',' : format === 'tsv' ? '\t' : undefined;
}
