import path from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { MlpError } from '@mlp/core';

let instance: Promise<DuckDBInstance> | undefined;

/** One in-memory DuckDB per process, created at first use: it only scans files, nothing persists. */
export async function connectDuckDb(): Promise<DuckDBConnection> {
  instance ??= DuckDBInstance.create(':memory:');
  return (await instance).connect();
}

/** A SQL string literal (file paths). */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** A SQL identifier: column names may hold spaces, quotes, anything. */
export function sqlIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export type FileFormat = 'csv' | 'tsv' | 'parquet' | 'json';

const formats: Record<string, FileFormat> = {
  '.csv': 'csv',
  '.tsv': 'tsv',
  '.tab': 'tsv',
  '.parquet': 'parquet',
  '.pq': 'parquet',
  '.json': 'json',
  '.jsonl': 'json',
  '.ndjson': 'json',
};

/** The format implied by the file name; a compression suffix (`.csv.gz`) is looked through, DuckDB decompresses. */
export function formatOf(file: string): FileFormat {
  const base = file.toLowerCase().replace(/\.(gz|zst)$/, '');
  const format = formats[path.extname(base)];
  if (!format) {
    throw new MlpError(
      'INVALID_ARGUMENT',
      `Cannot tell the format of ${file} from its extension: name it .csv, .tsv, .parquet, .json or .jsonl (optionally .gz).`,
    );
  }
  return format;
}

/** The table function that scans `file`. */
export function scanSql(file: string, format: FileFormat): string {
  const literal = sqlString(file);
  switch (format) {
    // An explicit dialect (header, delimiter, quotes): sniffing a file with one malformed row picks
    // another dialect and reads the whole file as one column, hiding the row.
    case 'csv':
      return `read_csv(${literal}, header = true, delim = ',', quote = '"', escape = '"')`;
    case 'tsv':
      return `read_csv(${literal}, header = true, delim = '\t', quote = '"', escape = '"')`;
    case 'parquet':
      return `read_parquet(${literal})`;
    case 'json':
      return `read_json_auto(${literal})`;
  }
}

/** How a column reaches JavaScript: DuckDB casts it to one of four simple types first, so conversion is a copy. */
export type ColumnKind = 'number' | 'time' | 'boolean' | 'text';

/** The kind of a DuckDB type as DESCRIBE prints it (`BIGINT`, `DECIMAL(18,3)`, `TIMESTAMP WITH TIME ZONE`). */
export function kindOf(duckdbType: string): ColumnKind {
  const type = duckdbType.toUpperCase();
  if (/^(U?(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)|FLOAT|REAL|DOUBLE|DECIMAL(\(.*\))?)$/.test(type)) return 'number';
  if (/^(DATE|TIMESTAMP.*)$/.test(type)) return 'time';
  if (type === 'BOOLEAN') return 'boolean';
  return 'text';
}

/** The select expression that casts `expression` of `kind` to the type its conversion reads. */
export function castSql(expression: string, kind: ColumnKind): string {
  switch (kind) {
    case 'number':
      return `CAST(${expression} AS DOUBLE)`;
    case 'time':
      // Milliseconds since the epoch (UTC): a double converts to a Date without parsing.
      return `CAST(epoch_ms(${expression}) AS DOUBLE)`;
    case 'boolean':
      return expression;
    case 'text':
      return `CAST(${expression} AS VARCHAR)`;
  }
}
