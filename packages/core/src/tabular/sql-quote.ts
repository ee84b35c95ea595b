/** SQL quoting, standard for DuckDB and PostgreSQL alike: every name or text from outside enters SQL through these. */

/** A SQL identifier: column names may hold spaces, quotes, anything. */
export function sqlIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A SQL string literal (file paths, values). */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
