export { postgresCsvScanSql, type ScanSqlOptions, type TypedCsvColumn, tabularScanSql } from './scan-sql.js';
export { sqlIdentifier, sqlString } from './sql-quote.js';
export { connectSharedTabularDb, openTabularDb, type TabularDb, type TabularDbOptions } from './tabular-db.js';
export {
  assertTabularFormat,
  delimiterOf,
  resolveTabularFormat,
  type TabularFormat,
  tabularFormatOf,
  tabularFormats,
} from './tabular-format.js';
export { malformedCsvError, tabularReadError } from './tabular-read-error.js';
