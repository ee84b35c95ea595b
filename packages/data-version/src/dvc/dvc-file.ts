import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { MlpError, writeFileAtomic } from '@mlp/core';
import { Document, isMap, isScalar, isSeq, type Pair, parseDocument, type Scalar, YAMLMap, YAMLSeq } from 'yaml';
import { fileError } from './file-hash.js';
import { osPath } from './os-path.js';
import { ruamelValue } from './ruamel-scalar.js';

/** The suffix of the files that describe tracked data. */
export const DVC_FILE_SUFFIX = '.dvc';

/** One `outs` entry of a `.dvc` file. */
export interface DvcOut {
  /** As written: relative to the `.dvc` file's folder, `/`-separated. */
  path: string;
  /** Absolute path of the data. */
  absolutePath: string;
  md5: string | undefined;
  size: number | undefined;
  nfiles: number | undefined;
  /** `isexec: true`: DVC records a file with an execute bit, and checkout sets it again. */
  isexec: boolean;
  /**
   * The hash algorithm: `md5` for DVC 3 entries. DVC 2 wrote no `hash` key and hashed text files
   * after dos2unix (`md5-dos2unix`); such entries are reported, never re-hashed behind the user's back.
   */
  hash: 'md5' | 'md5-dos2unix';
}

export interface DvcFile {
  /** Absolute path of the `.dvc` file. */
  file: string;
  outs: DvcOut[];
  /** The parsed document, kept so a rewrite keeps every key and comment it does not own. */
  document: Document;
}

const canonicalKeys = ['md5', 'size', 'nfiles', 'isexec', 'hash', 'path'] as const;

function broken(file: string, why: string, cause?: unknown): MlpError {
  return new MlpError('INVALID_ARGUMENT', `${file} is not a valid .dvc file: ${why}. Fix it, or delete it and add the data again.`, {
    cause,
    details: { file },
  });
}

export function parseDvcFile(text: string, file: string): DvcFile {
  const document = parseDocument(text, { prettyErrors: true });
  if (document.errors.length > 0) throw broken(file, `broken YAML (${document.errors[0]?.message.split('\n')[0]})`, document.errors[0]);
  const data = (document.toJS() ?? {}) as Record<string, unknown>;
  if (typeof data !== 'object' || Array.isArray(data)) throw broken(file, 'the top level is not a mapping');
  const outs = data.outs ?? [];
  if (!Array.isArray(outs)) throw broken(file, '`outs` is not a list');
  const folder = path.dirname(file);
  return {
    file,
    document,
    outs: outs.map((raw: unknown, index) => {
      const out = (raw ?? {}) as Record<string, unknown>;
      if (typeof out.path !== 'string' || out.path === '') throw broken(file, `outs[${index}] has no path`);
      const md5 = out.md5 === undefined || out.md5 === null ? undefined : String(out.md5).toLowerCase();
      if (md5 !== undefined && !/^[0-9a-f]{32}(\.dir)?$/.test(md5))
        throw broken(file, `outs[${index}].md5 ${JSON.stringify(md5)} is not an md5`);
      for (const key of ['size', 'nfiles'] as const)
        if (out[key] !== undefined && (typeof out[key] !== 'number' || !Number.isInteger(out[key]) || (out[key] as number) < 0))
          throw broken(file, `outs[${index}].${key} is not a non-negative integer`);
      if (out.hash !== undefined && out.hash !== 'md5')
        throw broken(file, `outs[${index}].hash ${JSON.stringify(out.hash)} is not supported (only md5)`);
      const absolutePath = path.resolve(folder, out.path);
      return {
        path: out.path,
        absolutePath,
        md5,
        size: out.size as number | undefined,
        nfiles: out.nfiles as number | undefined,
        isexec: out.isexec === true,
        // No hash recorded yet (a new entry) is not a DVC 2 entry.
        hash: out.hash === 'md5' || md5 === undefined ? 'md5' : 'md5-dos2unix',
      } satisfies DvcOut;
    }),
  };
}

/** Reads a `.dvc` file; undefined when it does not exist. */
export async function readDvcFile(file: string): Promise<DvcFile | undefined> {
  let text: string;
  try {
    text = await readFile(osPath(file), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw fileError(error, file, 'read');
  }
  return parseDvcFile(text, file);
}

export interface OutValues {
  md5: string;
  size: number;
  nfiles?: number | undefined;
  /** A file with an execute bit (DVC writes `isexec: true`, never `false`). */
  isexec?: boolean | undefined;
  /** Relative to the `.dvc` file's folder. */
  path: string;
}

function outMap(document: Document, values: OutValues, previous: YAMLMap | undefined, strings: Map<string, string>): YAMLMap {
  const map = new YAMLMap();
  const set = (key: string, value: unknown) => map.items.push(document.createPair(key, value) as Pair<unknown, unknown>);
  // Strings are written by ruamel's rules afterwards (renderDvcFile): here they hold a plain token.
  const setString = (key: string, value: string) => {
    const token = `mlp${randomBytes(8).toString('hex')}x${strings.size}`;
    strings.set(token, value);
    set(key, token);
  };
  // DVC's order (Output.dumpd): the hash, the file's meta (size, nfiles, isexec), then hash and path.
  setString('md5', values.md5);
  set('size', values.size);
  if (values.nfiles !== undefined) set('nfiles', values.nfiles);
  if (values.isexec) set('isexec', true);
  setString('hash', 'md5');
  setString('path', values.path);
  // Keys mlp does not own (desc, type, labels, meta, remote, push, cache…) follow, nodes and comments intact.
  for (const pair of previous?.items ?? []) {
    const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
    if (!(canonicalKeys as readonly string[]).includes(key)) map.items.push(pair as Pair<unknown, unknown>);
  }
  if (previous?.commentBefore) map.commentBefore = previous.commentBefore;
  if (previous?.comment) map.comment = previous.comment;
  return map;
}

/** The text of a `.dvc` file recording `values`, rewriting `existing` in place of the out with the same path. */
export function renderDvcFile(values: OutValues, existing?: DvcFile): string {
  const document = existing ? existing.document.clone() : new Document({});
  if (!isMap(document.contents)) document.contents = new YAMLMap() as never;
  const root = document.contents as YAMLMap;
  const found: unknown = root.get('outs', true);
  let seq: YAMLSeq;
  if (isSeq(found)) seq = found;
  else {
    seq = new YAMLSeq();
    root.set('outs', seq);
  }
  const index = seq.items.findIndex((item) => isMap(item) && String((item.get('path', true) as Scalar | undefined)?.value) === values.path);
  const previous = index >= 0 ? (seq.items[index] as YAMLMap) : undefined;
  const strings = new Map<string, string>();
  const next = outMap(document, values, previous, strings);
  if (index >= 0) seq.items[index] = next;
  else seq.items.push(next);
  // DVC (ruamel) writes sequences unindented under their key: `outs:\n- md5: …`.
  const text = document.toString({ indentSeq: false, lineWidth: 0 });
  return text.replace(/^(.*?)([A-Za-z0-9_]+): (mlp[0-9a-f]{16}x\d+)$/gm, (line, lead: string, key: string, token: string) => {
    const value = strings.get(token);
    if (value === undefined) return line;
    // Continuation lines of a folded value sit one indentation step (2) right of the key.
    return `${lead}${key}:${ruamelValue(value, lead.length + key.length + 1, lead.length + 2)}`;
  });
}

export async function writeDvcFile(file: string, values: OutValues, existing?: DvcFile): Promise<void> {
  try {
    await writeFileAtomic(file, renderDvcFile(values, existing));
  } catch (error) {
    throw fileError(error, file, 'write');
  }
}
