/**
 * A GET query string as the object MLflow's handlers parse it into: a key given once is a string, a
 * key given more than once (`experiment_ids=1&experiment_ids=2`, what the Python client sends for
 * lists) is an array. `key[]` and `key[0]` spellings, used by some JavaScript clients, count as `key`.
 */
export function queryObject(rawQuery: string): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = {};
  for (const [rawKey, value] of new URLSearchParams(rawQuery)) {
    const key = rawKey.replace(/\[\d*\]$/, '');
    const existing = result[key];
    if (existing === undefined) result[key] = rawKey === key ? value : [value];
    else result[key] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return result;
}
