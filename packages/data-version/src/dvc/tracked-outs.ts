import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { MlpError, toMlpError } from '@mlp/core';
import { DVC_FILE_SUFFIX, type DvcFile, type DvcOut, readDvcFile } from './dvc-file.js';
import { decodeFileName, osPath } from './os-path.js';
import { createPathGuard } from './path-guard.js';

/** A tracked file or folder: one `outs` entry and the `.dvc` file holding it. */
export interface TrackedOut {
  dvcFile: DvcFile;
  out: DvcOut;
  /** The data's path relative to the project root, `/`-separated. */
  relativePath: string;
}

/** Folders never searched for `.dvc` files. */
const skippedFolders = new Set(['.git', '.hg', '.dvc', '.mlp', 'node_modules']);

/** Resolves a user path against the project and refuses one outside it. */
export function resolveInProject(root: string, target: string): string {
  const absolute = path.resolve(root, target);
  const relative = path.relative(root, absolute);
  if (relative === '' || relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative))
    throw new MlpError(
      'INVALID_ARGUMENT',
      relative === ''
        ? `Cannot track the project root ${root} itself; name a file or folder inside it.`
        : `${absolute} is outside the project ${root}; move it inside the project first.`,
      { details: { path: absolute } },
    );
  return absolute;
}

export function toProjectPath(root: string, absolute: string): string {
  return path.relative(root, absolute).split(path.sep).join('/');
}

/** The `.dvc` file of a data path, or the path itself when it is one. */
export function dvcFileOf(absolute: string): string {
  return absolute.endsWith(DVC_FILE_SUFFIX) ? absolute : absolute + DVC_FILE_SUFFIX;
}

/** Every `.dvc` file in the project, without descending into tracked folders. */
export async function findDvcFiles(root: string): Promise<string[]> {
  const found: string[] = [];
  async function visit(folder: string): Promise<void> {
    let entries: Dirent<Buffer>[];
    try {
      // Names as bytes: a folder whose name is not UTF-8 would otherwise be entered under another name, and lost.
      entries = await readdir(osPath(folder), { withFileTypes: true, encoding: 'buffer' });
    } catch {
      return; // an unreadable folder holds nothing we track
    }
    const named = entries.map((entry) => ({ entry, name: decodeFileName(entry.name).name }));
    const names = new Set(named.map(({ name }) => name));
    const subfolders: string[] = [];
    for (const { entry, name } of named) {
      if (entry.isFile() && name.endsWith(DVC_FILE_SUFFIX) && name !== DVC_FILE_SUFFIX) found.push(path.join(folder, name));
      else if (entry.isDirectory() && !skippedFolders.has(name) && !names.has(name + DVC_FILE_SUFFIX))
        subfolders.push(path.join(folder, name));
    }
    await Promise.all(subfolders.map(visit));
  }
  await visit(root);
  return found.sort();
}

/** A `.dvc` file that could not be used: broken, or naming a path mlp may not write. */
export interface InvalidDvcFile {
  /** The `.dvc` file, relative to the project root. */
  path: string;
  error: MlpError;
}

export interface TrackedOuts {
  tracked: TrackedOut[];
  /** Each bad `.dvc` file, so one of them does not stop the work on the others. */
  invalid: InvalidDvcFile[];
}

/**
 * The tracked outs of `targets` (data paths or `.dvc` files), or of the whole project, with the
 * `.dvc` files that are broken or name a path outside the project (see path-guard.ts) set apart.
 * A target that is not tracked at all is an error: nothing was asked of it that could be done.
 */
export async function readTrackedOuts(root: string, targets?: readonly string[]): Promise<TrackedOuts> {
  const files =
    targets && targets.length > 0 ? targets.map((target) => dvcFileOf(resolveInProject(root, target))) : await findDvcFiles(root);
  const guard = createPathGuard(root);
  const result: TrackedOuts = { tracked: [], invalid: [] };
  for (const file of [...new Set(files)]) {
    const shownFile = toProjectPath(root, file);
    let dvcFile: DvcFile | undefined;
    try {
      dvcFile = await readDvcFile(file);
    } catch (error) {
      result.invalid.push({ path: shownFile, error: toMlpError(error) });
      continue;
    }
    if (!dvcFile) {
      throw new MlpError(
        'NOT_FOUND',
        `${toProjectPath(root, file.slice(0, -DVC_FILE_SUFFIX.length))} is not tracked (no ${shownFile}). Add it with \`mlp data add\`.`,
        { details: { path: file } },
      );
    }
    try {
      for (const [index, out] of dvcFile.outs.entries()) {
        if (path.isAbsolute(out.path))
          throw new MlpError(
            'INVALID_ARGUMENT',
            `${shownFile}: outs[${index}].path ${JSON.stringify(out.path)} is absolute; mlp tracks only paths inside the project, relative to the .dvc file.`,
            { details: { file } },
          );
        guard.assertInside(out.absolutePath, `${shownFile}: outs[${index}].path ${JSON.stringify(out.path)}`);
      }
    } catch (error) {
      result.invalid.push({ path: shownFile, error: toMlpError(error) });
      continue;
    }
    for (const out of dvcFile.outs) result.tracked.push({ dvcFile, out, relativePath: toProjectPath(root, out.absolutePath) });
  }
  return result;
}

/** As readTrackedOuts, for operations that need every `.dvc` file (status, gc): the first bad one is thrown. */
export async function loadTrackedOuts(root: string, targets?: readonly string[]): Promise<TrackedOut[]> {
  const { tracked, invalid } = await readTrackedOuts(root, targets);
  if (invalid[0]) throw invalid[0].error;
  return tracked;
}
