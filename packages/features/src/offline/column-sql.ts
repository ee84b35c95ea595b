import type { FeatureType } from '../definitions/feature-types.js';
import type { ColumnKind } from '../sources/source-columns.js';
import { quoteIdentifier } from '../sources/source-connection.js';

// How a source column becomes an offline-store column. Timestamps (the event time and timestamp
// features) are stored as epoch milliseconds in a bigint: compared as integers, the same in every engine.

/** The PostgreSQL column type of a feature type in the offline store. */
export const offlineColumnType: Readonly<Record<FeatureType, string>> = {
  int64: 'bigint',
  float64: 'double precision',
  string: 'text',
  bool: 'boolean',
  timestamp: 'bigint',
};

/** A PostgreSQL expression reading `column` (of `kind`) as `type`. */
export function postgresCast(column: string, kind: ColumnKind, type: FeatureType): string {
  const quoted = quoteIdentifier(column);
  if (type === 'timestamp') return kind === 'integer' ? `${quoted}::bigint` : `(extract(epoch from ${quoted}) * 1000)::bigint`;
  return `${quoted}::${offlineColumnType[type]}`;
}

const duckDbTypes: Readonly<Record<FeatureType, string>> = {
  int64: 'BIGINT',
  float64: 'DOUBLE',
  string: 'VARCHAR',
  bool: 'BOOLEAN',
  timestamp: 'BIGINT',
};

/** A DuckDB expression reading `column` (of `kind`) as `type`. */
export function duckDbCast(column: string, kind: ColumnKind, type: FeatureType): string {
  const quoted = quoteIdentifier(column);
  if (type === 'timestamp') {
    if (kind === 'integer') return `CAST(${quoted} AS BIGINT)`;
    return kind === 'date' ? `epoch_ms(CAST(${quoted} AS TIMESTAMP))` : `epoch_ms(${quoted})`;
  }
  return `CAST(${quoted} AS ${duckDbTypes[type]})`;
}

/** The feature type a pass-through column of `kind` is reported as. */
export function featureTypeOfKind(kind: ColumnKind): FeatureType {
  switch (kind) {
    case 'integer':
      return 'int64';
    case 'float':
      return 'float64';
    case 'bool':
      return 'bool';
    case 'timestamp':
    case 'date':
      return 'timestamp';
    default:
      return 'string';
  }
}
