import { lstat } from 'node:fs/promises';
import path from 'node:path';
import { MlpError } from '@mlp/core';
import { buildOut } from './build-out.js';
import { DVC_FILE_SUFFIX, readDvcFile, writeDvcFile } from './dvc-file.js';
import { createDvcIgnore } from './dvc-ignore.js';
import { fileError } from './file-hash.js';
import { ignoreInGit } from './gitignore.js';
import { osPath, shownFileName } from './os-path.js';
import { createPathGuard } from './path-guard.js';
import type { ProgressListener } from './progress.js';
import type { RepoContext } from './repo-context.js';
import type { StateCache } from './state-cache.js';
import { resolveInProject, toProjectPath } from './tracked-outs.js';

/** What `add` recorded for one path (the `--json` shape of `mlp data add`). */
export interface AddedEntry {
  /** Relative to the project root, `/`-separated. */
  path: string;
  /** md5 of a file, or the manifest id (`….dir`) of a folder. */
  md5: string;
  size: number;
  /** Folders only: how many files. */
  nfiles?: number;
}

const reservedFolders = new Set(['.dvc', '.mlp', '.git']);

/** A name that is not UTF-8 is versioned inside a folder, as DVC records it; on its own it would name text files. */
function notUtf8Target(relative: string): MlpError {
  return new MlpError(
    'INVALID_ARGUMENT',
    `${shownFileName(relative)} is not a valid UTF-8 name (or was not before it reached mlp as text, which shows bytes as U+FFFD): add the folder that holds it instead, which records the name as DVC does. On its own it would have to name its .dvc file and a .gitignore entry, which are UTF-8 text.`,
  );
}

async function assertAddable(root: string, absolute: string): Promise<void> {
  const relative = toProjectPath(root, absolute);
  if (absolute.endsWith(DVC_FILE_SUFFIX))
    throw new MlpError('INVALID_ARGUMENT', `${relative} is a .dvc file; add the data it describes instead.`);
  if (relative.split('/').some((part) => reservedFolders.has(part)))
    throw new MlpError(
      'INVALID_ARGUMENT',
      `${relative} is inside a folder mlp and DVC manage (${[...reservedFolders].join(', ')}); it cannot be tracked.`,
    );
  if (typeof osPath(absolute) !== 'string') throw notUtf8Target(relative);
  try {
    await lstat(absolute);
  } catch (error) {
    // A command line hands names over as UTF-8 text: bytes that are not UTF-8 arrive as U+FFFD.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && absolute.includes('\ufffd')) throw notUtf8Target(relative);
    throw fileError(error, absolute, 'add');
  }
  // A path inside a tracked folder belongs to that folder's version.
  for (let folder = path.dirname(absolute); folder.length > root.length; folder = path.dirname(folder)) {
    if (
      await lstat(folder + DVC_FILE_SUFFIX).then(
        () => true,
        () => false,
      )
    )
      throw new MlpError(
        'FAILED_PRECONDITION',
        `${relative} is inside ${toProjectPath(root, folder)}, which is tracked as a whole by ${toProjectPath(root, folder + DVC_FILE_SUFFIX)}. Add that folder again instead.`,
      );
  }
}

/** Hashes each path into the cache, writes `<path>.dvc` and ignores the path in git. */
export async function addPaths(
  context: RepoContext,
  state: StateCache,
  paths: readonly string[],
  onProgress?: ProgressListener,
): Promise<AddedEntry[]> {
  const { root } = context.layout;
  if (paths.length === 0) throw new MlpError('INVALID_ARGUMENT', 'Name at least one file or folder to add.');
  const targets = paths.map((target) => resolveInProject(root, target));
  const guard = createPathGuard(root);
  for (const target of targets) {
    await assertAddable(root, target);
    // Its .dvc file and .gitignore are written beside it: that folder must really be in the project.
    guard.assertInside(target, toProjectPath(root, target));
  }
  await context.cache.removeStaleTemps(); // an add killed earlier may have left a large one
  const added: AddedEntry[] = [];
  const ignore = createDvcIgnore(root);
  for (const target of targets) {
    const dvcPath = target + DVC_FILE_SUFFIX;
    const existing = await readDvcFile(dvcPath);
    const name = path.basename(target);
    const previous = existing?.outs.find((out) => out.absolutePath === target);
    if (previous?.hash === 'md5-dos2unix')
      throw new MlpError(
        'FAILED_PRECONDITION',
        `${toProjectPath(root, dvcPath)} was written by DVC 2 (md5 after dos2unix, no \`hash: md5\`); mlp does not re-hash it under DVC 3's rules behind your back. Run \`dvc cache migrate --dvc-files\`, or delete the .dvc file and add the data again.`,
        { details: { file: dvcPath } },
      );
    const built = await buildOut(target, { state, cache: context.cache, ignore, ...(onProgress ? { onProgress } : {}) });
    await writeDvcFile(dvcPath, { md5: built.md5, size: built.size, nfiles: built.nfiles, isexec: built.isexec, path: name }, existing);
    await ignoreInGit(target);
    added.push({
      path: toProjectPath(root, target),
      md5: built.md5,
      size: built.size,
      ...(built.nfiles === undefined ? {} : { nfiles: built.nfiles }),
    });
  }
  return added;
}
