/**
 * One CSV field as RFC 4180 writes it. NULL is an empty unquoted field and an empty string is `""`,
 * so a reader that keeps quoted empties (DuckDB's allow_quoted_nulls = false) can tell them apart.
 */
export function csvField(value: string | null): string {
  if (value === null) return '';
  if (value === '' || /[",\r\n]/.test(value) || value !== value.trim()) return `"${value.replaceAll('"', '""')}"`;
  return value;
}

export function csvLine(values: readonly (string | null)[]): string {
  return `${values.map(csvField).join(',')}\n`;
}
