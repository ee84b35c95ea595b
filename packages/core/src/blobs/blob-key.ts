import { MlpError } from '../errors/mlp-error.js';

/** S3's limit; every driver enforces it so a key that works on one store works on all. */
export const MAX_BLOB_KEY_BYTES = 1024;

const driveLetter = /^[A-Za-z]:/;

/** The rule a string breaks as a whole (shared by keys and prefixes), or undefined. */
function commonProblem(value: string, what: string): string | undefined {
  if (value.includes('\0')) return `${what} must not contain NUL characters`;
  if (value.includes('\\')) return `${what} must use '/' as the separator, not backslashes`;
  if (value.startsWith('/')) return `${what} must be relative: it must not start with '/'`;
  if (driveLetter.test(value)) return `${what} must be relative: it must not start with a drive letter`;
  if (Buffer.byteLength(value, 'utf8') > MAX_BLOB_KEY_BYTES) return `${what} must be at most ${MAX_BLOB_KEY_BYTES} bytes in UTF-8`;
  return undefined;
}

/** The rule one complete `/`-separated segment breaks, or undefined. */
function segmentProblem(segment: string, what: string): string | undefined {
  if (segment === '') return `${what} must not have empty segments (no '//' and no '/' at the end)`;
  // '.' is rejected too: on a file system `a/./b` is `a/b`, which would make two keys one object.
  if (segment === '..' || segment === '.') return `${what} must not have '.' or '..' segments`;
  return undefined;
}

/**
 * Which rule `key` breaks, or undefined when it is a valid blob key: a non-empty `/`-separated
 * relative path of at most 1024 UTF-8 bytes, without empty, `.` or `..` segments, backslashes, NUL,
 * a leading `/` or a drive letter.
 */
export function validateBlobKey(key: unknown): string | undefined {
  if (typeof key !== 'string') return `a key must be a string, not ${key === null ? 'null' : typeof key}`;
  if (key === '') return 'a key must not be empty';
  const problem = commonProblem(key, 'a key');
  if (problem) return problem;
  for (const segment of key.split('/')) {
    const bad = segmentProblem(segment, 'a key');
    if (bad) return bad;
  }
  return undefined;
}

/**
 * Which rule `prefix` breaks, or undefined. A prefix is a raw string prefix, as in S3: `a/b` matches
 * `a/b`, `a/bc` and `a/b/c`; use `a/b/` for the keys under `a/b` only. It may be empty or end with
 * `/`; its complete segments follow the key rules, and its last, partial segment may be anything
 * without NUL or backslashes (`a/.` is the start of `a/.hidden`).
 */
export function validateBlobPrefix(prefix: unknown): string | undefined {
  if (typeof prefix !== 'string') return `a prefix must be a string, not ${prefix === null ? 'null' : typeof prefix}`;
  if (prefix === '') return undefined;
  const problem = commonProblem(prefix, 'a prefix');
  if (problem) return problem;
  const complete = prefix.split('/').slice(0, -1);
  for (const segment of complete) {
    const bad = segmentProblem(segment, 'a prefix');
    if (bad) return bad;
  }
  return undefined;
}

/** Throws INVALID_ARGUMENT naming the key and the rule it breaks. */
export function assertBlobKey(key: unknown): asserts key is string {
  const problem = validateBlobKey(key);
  if (problem) {
    throw new MlpError(
      'INVALID_ARGUMENT',
      `Invalid blob key ${JSON.stringify(key)}: ${problem}. Use a relative path such as 'runs/42/model.onnx'.`,
      {
        details: { key },
      },
    );
  }
}

/** Throws INVALID_ARGUMENT naming the prefix and the rule it breaks. */
export function assertBlobPrefix(prefix: unknown): asserts prefix is string {
  const problem = validateBlobPrefix(prefix);
  if (problem) {
    throw new MlpError(
      'INVALID_ARGUMENT',
      `Invalid blob prefix ${JSON.stringify(prefix)}: ${problem}. Use '' or a relative path prefix such as 'runs/42/'.`,
      {
        details: { prefix },
      },
    );
  }
}

/** Key order of every driver: UTF-8 byte order, as S3 lists (JS `<` compares UTF-16 units, which differs above U+FFFF). */
export function compareBlobKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
