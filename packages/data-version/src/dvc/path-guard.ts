import { lstatSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { MlpError, STATE_DIR_NAME } from '@mlp/core';
import { osPath } from './os-path.js';

/**
 * The rule for every workspace path mlp writes or deletes because a `.dvc` file (or `add`) names it:
 * after symbolic links are followed it must stay inside the project, outside `.git` and `.dvc`, and
 * inside `.mlp` only under the catalog's snapshots (`.mlp/datasets`). A `.dvc` file is data a
 * clone takes from anyone; without this a committed link `data/x -> /elsewhere` plus an entry under
 * it would let `checkout --force` overwrite or delete files anywhere the user can write.
 */
export interface PathGuard {
  /** Throws INVALID_ARGUMENT, naming `shown`, when writing or deleting `absolute` could leave the project. */
  assertInside(absolute: string, shown: string): void;
}

const reservedFolders = new Set(['.git', '.dvc']);
const snapshotsFolder = 'datasets';

function leaves(relative: string): boolean {
  return relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative);
}

/** Why a path relative to the project may not be written, or undefined when it may. */
function reservedReason(relative: string): string | undefined {
  const parts = relative.split(path.sep);
  const reserved = parts.find((part) => reservedFolders.has(part));
  if (reserved) return `it is inside ${reserved}/, which mlp never writes`;
  // `.mlp` itself is allowed only as a folder on the way to its snapshots (a parent checked alone).
  if (parts[0] === STATE_DIR_NAME && parts.length > 1 && parts[1] !== snapshotsFolder)
    return `it is inside ${STATE_DIR_NAME}/ (mlp writes there only under ${STATE_DIR_NAME}/${snapshotsFolder})`;
  return undefined;
}

/** A guard for one operation: the real paths of folders are remembered, since a checkout asks for every file. */
export function createPathGuard(root: string): PathGuard {
  const realRoot = realpathSync.native(root);
  /** Folder → its real path, or null when it does not exist (mkdir will create it below a checked parent). */
  const realFolders = new Map<string, string | null>();

  const refuse = (shown: string, why: string, absolute: string) =>
    new MlpError('INVALID_ARGUMENT', `${shown}: mlp refuses to write or delete it because ${why}. Fix the path or remove the link.`, {
      details: { path: absolute },
    });

  const checkReal = (real: string, shown: string, absolute: string) => {
    const relative = path.relative(realRoot, real);
    if (leaves(relative))
      throw refuse(shown, `it resolves to ${real}, outside the project ${realRoot} (through a symbolic link)`, absolute);
    const reason = reservedReason(relative);
    if (reason) throw refuse(shown, `${reason} (through a symbolic link)`, absolute);
  };

  /** Checks a folder's real path (once per folder); a missing one is checked through its nearest existing parent. */
  const checkFolder = (folder: string, shown: string, absolute: string): void => {
    if (realFolders.has(folder)) return;
    const stats = lstatSync(osPath(folder), { throwIfNoEntry: false });
    if (!stats) {
      if (folder !== path.dirname(folder)) checkFolder(path.dirname(folder), shown, absolute);
      realFolders.set(folder, null);
      return;
    }
    let real: string;
    try {
      real = realpathSync.native(osPath(folder), 'utf8');
    } catch {
      throw refuse(shown, `${folder} is a symbolic link that leads nowhere`, absolute);
    }
    checkReal(real, shown, absolute);
    realFolders.set(folder, real);
  };

  return {
    assertInside(absolute, shown) {
      const relative = path.relative(root, absolute);
      if (relative === '' || leaves(relative)) throw refuse(shown, `it is outside the project ${root}`, absolute);
      const lexical = relative === STATE_DIR_NAME ? `it is ${STATE_DIR_NAME}/ itself` : reservedReason(relative);
      if (lexical) throw refuse(shown, lexical, absolute);
      checkFolder(path.dirname(absolute), shown, absolute);
      // The last component: a link is replaced by a rename, but deleting or walking a linked folder follows it.
      const stats = lstatSync(osPath(absolute), { throwIfNoEntry: false });
      if (!stats?.isSymbolicLink()) return;
      let real: string;
      try {
        real = realpathSync.native(osPath(absolute), 'utf8');
      } catch {
        return; // a link leading nowhere (or a loop) is replaced by the rename, and read by no one: the operation reports it
      }
      // A link to the project itself would make a folder checkout delete everything the version lacks.
      if (real === realRoot) throw refuse(shown, 'it is a symbolic link to the project folder itself', absolute);
      if (path.relative(realRoot, real) === STATE_DIR_NAME) throw refuse(shown, `it is a symbolic link to ${STATE_DIR_NAME}/`, absolute);
      checkReal(real, shown, absolute);
    },
  };
}
