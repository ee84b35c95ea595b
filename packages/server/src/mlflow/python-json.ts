/**
 * JSON text as Python's `json.dumps(value)` writes it (keys in insertion order, `, ` and `: `
 * separators, everything outside printable ASCII escaped), which is how MLflow's server writes the
 * `mlflow.log-model.history` tag. Whole floats print as integers here (`1`, Python writes `1.0`):
 * JSON.parse has already lost the difference.
 */
export function pythonJsonDumps(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string')
    return JSON.stringify(value).replace(/[^\x20-\x7e]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(pythonJsonDumps).join(', ')}]`;
  return `{${Object.entries(value as Record<string, unknown>)
    .map(([key, item]) => `${pythonJsonDumps(key)}: ${pythonJsonDumps(item)}`)
    .join(', ')}}`;
}
