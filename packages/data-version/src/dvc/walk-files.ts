import { type Dirent, readdirSync, realpathSync, type Stats, statSync } from 'node:fs';
import path from 'node:path';
import { MlpError } from '@mlp/core';
import type { DvcIgnore } from './dvc-ignore.js';
import { fileError } from './file-hash.js';
import { decodeFileName, osPath } from './os-path.js';
import { isWorkspaceTemp } from './temp-files.js';

export interface WalkedFile {
  /** A name that is not UTF-8 is in surrogateescape text, as DVC has it: pass it through `osPath` to the file system. */
  absolutePath: string;
  /** Relative to the walked folder, `/`-separated (the manifest's relpath, as DVC writes it). */
  relpath: string;
  stats: Stats;
}

/** Names DVC never includes in a folder (its default .dvcignore patterns). */
const ignoredNames = new Set(['.git', '.hg', '.dvc']);

/** The real path, read as bytes so a name that is not UTF-8 stays itself (native: the JS realpath decodes a Buffer path lossily). */
function realPath(file: string): string {
  return decodeFileName(realpathSync.native(osPath(file), { encoding: 'buffer' })).name;
}

/** Entries handled between two yields to the event loop. */
const BATCH = 512;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Lists every file under `dir`, following symbolic links as DVC does, with their stats; checkout's
 * temp files are left out (and listed in `options.temps`), and so is what `options.ignore` (.dvcignore) ignores. A link loop
 * or an unreadable folder is an MlpError naming the path; special files (sockets, FIFOs) are refused.
 * Names that are not UTF-8 come back in surrogateescape text (see os-path.ts), as DVC reads them.
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
    pending.push([dir, '', new Set([realPath(dir)])]);
  } catch (error) {
    throw fileError(error, dir, 'read');
  }
  while (pending.length > 0) {
    const [folder, relative, ancestors] = pending.pop() as (typeof pending)[number];
    let entries: Dirent<Buffer>[];
    try {
      // Names as bytes: a name that is not UTF-8 would otherwise come back mangled, and then not found.
      entries = readdirSync(osPath(folder), { withFileTypes: true, encoding: 'buffer' });
    } catch (error) {
      throw fileError(error, folder, 'list');
    }
    for (const entry of entries) {
      if (++sinceYield >= BATCH) {
        sinceYield = 0;
        await yieldToEventLoop();
      }
      const { name } = decodeFileName(entry.name);
      if (ignoredNames.has(name) && (entry.isDirectory() || name === '.git')) continue;
      const absolutePath = path.join(folder, name);
      const relpath = relative === '' ? name : `${relative}/${name}`;
      let stats: Stats;
      try {
        stats = statSync(osPath(absolutePath));
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
          real = realPath(absolutePath);
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
