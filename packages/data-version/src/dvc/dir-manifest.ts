import { MlpError, md5Hex } from '@mlp/core';
import { compareCodePoints, pythonJsonDumps } from './python-json.js';

/** One file of a tracked folder, as DVC lists it in the folder's manifest (`.dir` object). */
export interface DirManifestEntry {
  /** md5 of the file's bytes. */
  md5: string;
  /** Path inside the folder, `/`-separated. */
  relpath: string;
}

/** The suffix DVC gives the id of a folder manifest. */
export const DIR_SUFFIX = '.dir';

export function isDirHash(md5: string): boolean {
  return md5.endsWith(DIR_SUFFIX);
}

/** Entries sorted by relpath the way Python sorts strings (by code point). */
export function sortManifest(entries: readonly DirManifestEntry[]): DirManifestEntry[] {
  return [...entries].sort((a, b) => compareCodePoints(a.relpath, b.relpath));
}

/** The manifest's bytes, identical to DVC's `json.dumps(tree.as_list(), sort_keys=True)`. */
export function serializeManifest(entries: readonly DirManifestEntry[]): Buffer {
  const list = sortManifest(entries).map(({ md5, relpath }) => ({ md5, relpath }));
  return Buffer.from(pythonJsonDumps(list), 'utf8');
}

/** The folder's id: md5 of the serialised manifest plus `.dir`. */
export function manifestId(serialized: Uint8Array): string {
  return md5Hex(serialized) + DIR_SUFFIX;
}

const md5Pattern = /^[0-9a-f]{32}$/;

/** Parses a manifest read from a cache or remote; `source` names it in errors. */
export function parseManifest(bytes: Uint8Array, source: string): DirManifestEntry[] {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    throw new MlpError('FAILED_PRECONDITION', `The folder manifest ${source} is not valid JSON; delete it and fetch it again.`, {
      cause: error,
    });
  }
  if (!Array.isArray(raw)) throw new MlpError('FAILED_PRECONDITION', `The folder manifest ${source} is not a JSON list.`);
  return raw.map((item: unknown) => {
    const { md5, relpath } = (item ?? {}) as Record<string, unknown>;
    if (typeof md5 !== 'string' || !md5Pattern.test(md5) || typeof relpath !== 'string' || relpath === '')
      throw new MlpError('FAILED_PRECONDITION', `The folder manifest ${source} has an entry without a valid md5 and relpath.`);
    if (relpath.split('/').some((part) => part === '..' || part === '' || part === '.') || relpath.startsWith('/'))
      throw new MlpError('FAILED_PRECONDITION', `The folder manifest ${source} has an unsafe relpath ${JSON.stringify(relpath)}.`);
    return { md5, relpath };
  });
}
