import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '@mlp/core';
import { fileError } from './file-hash.js';

/**
 * A file name as a .gitignore pattern matching only that name. DVC escapes `[ ] ! * # ?` with a
 * backslash (pathspec's GitWildMatchPattern.escape); mlp also escapes the backslash itself and
 * trailing spaces, which git would otherwise read as an escape and strip, so the entry could miss
 * the file or match another one.
 */
export function escapeGitignoreName(name: string): string {
  const escaped = name.replace(/[[\]!*#?\\]/g, '\\$&');
  const trailing = /( +)$/.exec(escaped)?.[1]?.length ?? 0;
  return trailing === 0 ? escaped : escaped.slice(0, -trailing) + '\\ '.repeat(trailing);
}

/** The entry DVC writes for tracked data: `/name` in the `.gitignore` of the data's own folder. */
export function gitignoreEntry(dataPath: string): { file: string; entry: string } {
  return { file: path.join(path.dirname(dataPath), '.gitignore'), entry: `/${escapeGitignoreName(path.basename(dataPath))}` };
}

/** Adds the entry unless the file already has it; returns whether the file changed. */
export async function ignoreInGit(dataPath: string): Promise<boolean> {
  const { file, entry } = gitignoreEntry(dataPath);
  let text = '';
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw fileError(error, file, 'read');
  }
  // Exact lines: trimming would take `/name\ ` (a name ending in a space) for something else.
  if (text.split(/\r?\n/).some((line) => line === entry)) return false;
  const separator = text === '' || text.endsWith('\n') ? '' : '\n';
  try {
    await writeFileAtomic(file, `${text}${separator}${entry}\n`);
  } catch (error) {
    throw fileError(error, file, 'write');
  }
  return true;
}
