/**
 * JSON text exactly as Python's `json.dumps(value, sort_keys=True)` writes it, which is how DVC
 * serialises a folder manifest before hashing it: `, ` and `: ` separators, keys sorted by code
 * point, and every character outside printable ASCII escaped (`\uXXXX`, lower-case hex, astral
 * characters as surrogate pairs). Only the value types a manifest holds are supported.
 */
export type PythonJsonValue = string | number | boolean | null | PythonJsonValue[] | { [key: string]: PythonJsonValue };

const shortEscapes: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

const plainAscii = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** Python's `ensure_ascii` string encoder: anything outside ' '..'~' is escaped. */
export function pythonJsonString(text: string): string {
  // Most names need no escaping: printable ASCII without quotes or backslashes.
  if (plainAscii.test(text)) return `"${text}"`;
  let out = '"';
  // Iterating UTF-16 code units gives surrogate pairs for astral characters, as Python writes them.
  for (let index = 0; index < text.length; index++) {
    const char = text[index] as string;
    const code = text.charCodeAt(index);
    const short = shortEscapes[char];
    if (short !== undefined) out += short;
    else if (code >= 0x20 && code <= 0x7e) out += char;
    else out += `\\u${code.toString(16).padStart(4, '0')}`;
  }
  return `${out}"`;
}

/** Compares strings by Unicode code point, as Python sorts `str` (JS's default compares UTF-16 units). */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const left = a[Symbol.iterator]();
  const right = b[Symbol.iterator]();
  for (;;) {
    const x = left.next();
    const y = right.next();
    if (x.done) return y.done ? 0 : -1;
    if (y.done) return 1;
    const difference = (x.value.codePointAt(0) as number) - (y.value.codePointAt(0) as number);
    if (difference !== 0) return difference;
  }
}

export function pythonJsonDumps(value: PythonJsonValue): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`Cannot serialise ${value} as JSON.`);
    return String(value);
  }
  if (typeof value === 'string') return pythonJsonString(value);
  if (Array.isArray(value)) return `[${value.map(pythonJsonDumps).join(', ')}]`;
  const keys = Object.keys(value).sort(compareCodePoints);
  return `{${keys.map((key) => `${pythonJsonString(key)}: ${pythonJsonDumps(value[key] as PythonJsonValue)}`).join(', ')}}`;
}
