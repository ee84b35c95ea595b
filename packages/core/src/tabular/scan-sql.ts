import { sqlString } from './sql-quote.js';
import { delimiterOf, type TabularFormat } from './tabular-format.js';

export interface ScanSqlOptions {
  /** Parquet only: add the 0-based `file_row_number` column (read from the file, no window needed). */
  fileRowNumber?: boolean;
}

/**
 * DuckDB's table function that scans `file` as `format`, with the same options for every caller. A
 * delimited file gets its dialect fixed (header on the first line, delimiter, RFC 4180 quotes): left
 * to sniff, DuckDB reads a file with one malformed row as one text column, or skips to that row and
 * takes it for the header, instead of reporting it. JSON accepts an array of objects or one object per line, as DuckDB's `auto` does.
 */
export function tabularScanSql(file: string, format: TabularFormat, options: ScanSqlOptions = {}): string {
  const literal = sqlString(file);
  switch (format) {
    case 'csv':
    case 'tsv':
      return `read_csv(${literal}, header = true, skip = 0, delim = ${sqlString(delimiterOf(format) as string)}, quote = '"', escape = '"')`;
    case 'parquet':
      return options.fileRowNumber ? `read_parquet(${literal}, file_row_number = true)` : `read_parquet(${literal})`;
    case 'jsonl':
      return `read_json(${literal}, format = 'newline_delimited')`;
    case 'json':
      return `read_json(${literal}, format = 'auto')`;
  }
}

/** A column of a CSV whose types are known, with DuckDB's type name (`BIGINT`, `VARCHAR`). */
export interface TypedCsvColumn {
  name: string;
  type: string;
}

/**
 * DuckDB's scan of a CSV PostgreSQL's `COPY … (format csv)` wrote, with the columns' types given
 * rather than sniffed: an unquoted empty field is NULL and a quoted one (`""`) the empty string, as
 * COPY writes them (DuckDB's default would read both as NULL). Without a header, name the columns
 * in file order.
 */
export function postgresCsvScanSql(file: string, columns: readonly TypedCsvColumn[], options: { header: boolean }): string {
  const types = columns.map((column) => `${sqlString(column.name)}: ${sqlString(column.type)}`).join(', ');
  return `read_csv(${sqlString(file)}, header = ${options.header}, delim = ',', quote = '"', escape = '"', allow_quoted_nulls = false, columns = {${types}})`;
}
