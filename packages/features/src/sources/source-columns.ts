import type { FeatureType } from '../definitions/feature-types.js';

/** How a source column's type behaves, whichever engine reported it. */
export type ColumnKind = 'timestamp' | 'date' | 'integer' | 'float' | 'string' | 'bool' | 'other';

export interface SourceColumn {
  name: string;
  kind: ColumnKind;
  /** The engine's own name of the type, for messages. */
  engineType: string;
}

// PostgreSQL type OIDs (pg_type) of the kinds that matter here.
const postgresKinds: Record<number, ColumnKind> = {
  16: 'bool',
  20: 'integer',
  21: 'integer',
  23: 'integer',
  700: 'float',
  701: 'float',
  1700: 'float',
  25: 'string',
  1042: 'string',
  1043: 'string',
  19: 'string',
  1082: 'date',
  1114: 'timestamp',
  1184: 'timestamp',
};

export function postgresColumnKind(oid: number): ColumnKind {
  return postgresKinds[oid] ?? 'other';
}

/** DuckDB's type names (`DESCRIBE`), mapped to kinds. */
export function duckDbColumnKind(type: string): ColumnKind {
  const upper = type.toUpperCase();
  if (upper.startsWith('TIMESTAMP')) return 'timestamp';
  if (upper === 'DATE') return 'date';
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT)$/.test(upper)) return 'integer';
  if (/^(FLOAT|DOUBLE|REAL)$/.test(upper) || upper.startsWith('DECIMAL')) return 'float';
  if (upper === 'VARCHAR') return 'string';
  if (upper === 'BOOLEAN') return 'bool';
  return 'other';
}

/** Whether a column of `kind` can be read as a feature of `type` (a cast that cannot lose meaning silently). */
export function kindFits(kind: ColumnKind, type: FeatureType): boolean {
  switch (type) {
    case 'int64':
      return kind === 'integer';
    case 'float64':
      return kind === 'integer' || kind === 'float';
    case 'string':
      return kind !== 'other';
    case 'bool':
      return kind === 'bool';
    case 'timestamp':
      return kind === 'timestamp' || kind === 'date' || kind === 'integer';
  }
}

/** Join keys are compared as their declared type; a string key accepts any column (cast to text). */
export function keyFits(kind: ColumnKind, type: FeatureType): boolean {
  return type === 'string' ? kind !== 'other' : kindFits(kind, type);
}
