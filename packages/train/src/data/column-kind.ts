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
