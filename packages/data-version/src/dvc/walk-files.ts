import { type Dirent, readdirSync, realpathSync, type Stats, statSync } from 'node:fs';
import path from 'node:path';
import { MlpError } from '@mlp/core';
import type { DvcIgnore } from './dvc-ignore.js';
import { fileError } from './file-hash.js';
import { isWorkspaceTemp } from './temp-files.js';

export interface WalkedFile {
  absolutePath: string;
  /** Relative to the walked folder, `/`-separated (the manifest's relpath). */
  relpath: string;
  stats: Stats;
}

/** Names DVC never includes in a folder (its default .dvcignore patterns). */
const ignoredNames = new Set(['.git', '.hg', '.dvc']);

/**
 * A file name read as bytes: the UTF-8 text, or for other bytes the text Python (DVC) would make
 * of it with surrogateescape (each undecodable byte b becomes U+DC00+b), for messages and .dvcignore.
 */
export function decodeFileName(bytes: Buffer): { name: string; utf8: boolean } {
  const text = bytes.toString('utf8');
  if (!text.includes('\ufffd') || Buffer.from(text, 'utf8').equals(bytes)) return { name: text, utf8: true };
  let name = '';
  for (let index = 0; index < bytes.length; ) {
    const length = validSequenceLength(bytes, index);
    if (length === 0) {
      name += String.fromCharCode(0xdc00 + (bytes[index] as number));
      index += 1;
    } else {
      name += bytes.subarray(index, index + length).toString('utf8');
      index += length;
    }
  }
  return { name, utf8: false };
}

/** The length of the well-formed UTF-8 sequence at `index` (Unicode table 3-7), or 0. */
function validSequenceLength(bytes: Buffer, index: number): number {
  const b0 = bytes[index] as number;
  const at = (offset: number) => bytes[index + offset] ?? -1;
  const cont = (value: number, low = 0x80, high = 0xbf) => value >= low && value <= high;
  if (b0 <= 0x7f) return 1;
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(at(1)) ? 2 : 0;
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const [low, high] = b0 === 0xe0 ? [0xa0, 0xbf] : b0 === 0xed ? [0x80, 0x9f] : [0x80, 0xbf];
    return cont(at(1), low, high) && cont(at(2)) ? 3 : 0;
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const [low, high] = b0 === 0xf0 ? [0x90, 0xbf] : b0 === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
    return cont(at(1), low, high) && cont(at(2)) && cont(at(3)) ? 4 : 0;
  }
  return 0;
}

/** Python's repr of the escaped bytes: `caf\xe9.csv`. */
const shownName = (name: string) => name.replace(/[\udc80-\udcff]/g, (ch) => `\\x${(ch.charCodeAt(0) - 0xdc00).toString(16)}`);

function notUtf8(relpath: string, absolutePath: string): MlpError {
  return new MlpError(
    'INVALID_ARGUMENT',
    `The file name ${shownName(relpath)} is not valid UTF-8, and a .dvc file or folder manifest records names as text: DVC would write it with lone surrogates that other tools cannot map back to the file. Rename it to UTF-8, or leave it out with a .dvcignore pattern.`,
    { details: { path: shownName(absolutePath) } },
  );
}

/** Entries handled between two yields to the event loop. */
const BATCH = 512;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Lists every file under `dir`, following symbolic links as DVC does, with their stats; checkout's
 * temp files are left out (and listed in `options.temps`), and so is what `options.ignore` (.dvcignore) ignores. A link loop
 * or an unreadable folder is an MlpError naming the path; special files (sockets, FIFOs) are refused.
 *
 * The calls are synchronous in batches: a stat of a cached inode takes microseconds, and a promise
 * round trip through the thread pool costs ten times that, which decides whether `status` of 10,000
 * files takes 50 ms or 500 ms. The walk yields to the event loop between batches.
 */
export async function walkFiles(dir: string, options: { temps?: string[]; ignore?: DvcIgnore | undefined } = {}): Promise<WalkedFile[]> {
  const files: WalkedFile[] = [];
  let sinceYield = 0;
  const pending: Array<[folder: string, relative: string, ancestors: ReadonlySet<string>]> = [];
  try {
    pending.push([dir, '', new Set([realpathSync(dir)])]);
  } catch (error) {
    throw fileError(error, dir, 'read');
  }
  while (pending.length > 0) {
    const [folder, relative, ancestors] = pending.pop() as (typeof pending)[number];
    let entries: Dirent<Buffer>[];
    try {
      // Names as bytes: a name that is not UTF-8 would otherwise come back mangled, and then not found.
      entries = readdirSync(folder, { withFileTypes: true, encoding: 'buffer' });
    } catch (error) {
      throw fileError(error, folder, 'list');
    }
    for (const entry of entries) {
      if (++sinceYield >= BATCH) {
        sinceYield = 0;
        await yieldToEventLoop();
      }
      const { name, utf8 } = decodeFileName(entry.name);
      if (ignoredNames.has(name) && (entry.isDirectory() || name === '.git')) continue;
      const absolutePath = path.join(folder, name);
      const relpath = relative === '' ? name : `${relative}/${name}`;
      if (!utf8) {
        if (options.ignore?.ignores(absolutePath, entry.isDirectory())) continue;
        throw notUtf8(relpath, absolutePath);
      }
      let stats: Stats;
      try {
        stats = statSync(absolutePath);
      } catch (error) {
        throw fileError(error, absolutePath, 'read');
      }
      // What the .dvcignore files leave out is not part of the folder (and an ignored folder is not entered).
      if (options.ignore?.ignores(absolutePath, stats.isDirectory())) continue;
      if (stats.isFile()) {
        // A checkout's temp file is never data: left by a killed checkout, it is collected for removal.
        if (isWorkspaceTemp(name)) options.temps?.push(absolutePath);
        else files.push({ absolutePath, relpath, stats });
      } else if (stats.isDirectory()) {
        if (ignoredNames.has(name)) continue;
        // Real paths catch a loop however it is reached (a link to an ancestor, or through a linked parent).
        let real: string;
        try {
          real = realpathSync(absolutePath);
        } catch (error) {
          throw fileError(error, absolutePath, 'read');
        }
        if (ancestors.has(real))
          throw new MlpError(
            'INVALID_ARGUMENT',
            `${absolutePath} is a symbolic link loop (it points back to ${real}). Remove or fix the link.`,
            {
              details: { path: absolutePath },
            },
          );
        pending.push([absolutePath, relpath, new Set([...ancestors, real])]);
      } else {
        throw new MlpError(
          'INVALID_ARGUMENT',
          `${absolutePath} is not a regular file or folder (a socket, FIFO or device); move it out of the tracked folder.`,
        );
      }
    }
  }
  return files;
}
